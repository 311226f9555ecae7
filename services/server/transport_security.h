// What a listener needs to be safe on a network, shared by every
// transport (the gRPC server here, the HTTP gateway): the TLS material
// of --tls-cert, --tls-key and --tls-client-ca, and the rule on where a
// server may listen without TLS or without a tokens file.
//
// Thread-safe: pure functions; TlsMaterial is a value.
#ifndef HELIXMATCH_SERVICES_SERVER_TRANSPORT_SECURITY_H_
#define HELIXMATCH_SERVICES_SERVER_TRANSPORT_SECURITY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace helixmatch {

// PEM contents, read once at start.
struct TlsMaterial {
  std::string certificate_chain;  // the server's certificate (and chain)
  std::string private_key;        // its key
  // CA certificates a client certificate must chain to; empty: clients
  // present none. Non-empty: every client must present one signed by
  // these (mutual TLS), or the handshake fails.
  std::string client_ca;

  bool mutual() const { return !client_ca.empty(); }
};

// The TLS material of the three flags; nullopt when none is given (no
// TLS). INVALID_ARGUMENT naming the flag when only one of --tls-cert and
// --tls-key is given, when --tls-client-ca comes without them, or when a
// file cannot be read or holds no PEM block.
absl::StatusOr<std::optional<TlsMaterial>> LoadTlsMaterial(
    const std::string& cert_path, const std::string& key_path,
    const std::string& client_ca_path);

// Whether `address` (as a listener takes it: "HOST:PORT", "[V6]:PORT",
// "unix:PATH") reaches only this machine: 127.0.0.0/8, ::1, "localhost"
// or a unix socket. "0.0.0.0", "[::]" and every other name or address
// are not loopback.
bool IsLoopbackAddress(absl::string_view address);

// Whether a server may listen on `address`:
//   - on loopback, always;
//   - elsewhere only with a tokens file (without one every caller would
//     be an operator; --allow-insecure does not lift this), and
//   - only with TLS (bearer tokens would cross the network in the clear)
//     unless `allow_insecure` (--allow-insecure: a TLS-terminating proxy
//     in front, on a network the operator trusts).
// FAILED_PRECONDITION saying which and why otherwise.
absl::Status CheckListenSecurity(absl::string_view address, bool tls,
                                 bool tokens_file, bool allow_insecure);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_TRANSPORT_SECURITY_H_
