#include "services/server/transport_security.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", path, "' cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", path, "' holds no PEM block"));
  }
  return text.str();
}

// The host part of "HOST:PORT" or "[V6]:PORT"; the whole text when it
// has no port.
absl::string_view HostOf(absl::string_view address) {
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    return close == absl::string_view::npos ? address.substr(1)
                                            : address.substr(1, close - 1);
  }
  const size_t colon = address.rfind(':');
  // More than one colon without brackets: a bare IPv6 address.
  if (colon == absl::string_view::npos || address.find(':') != colon) {
    return address;
  }
  return address.substr(0, colon);
}

}  // namespace

absl::StatusOr<std::optional<TlsMaterial>> LoadTlsMaterial(
    const std::string& cert_path, const std::string& key_path,
    const std::string& client_ca_path) {
  if (cert_path.empty() && key_path.empty()) {
    if (!client_ca_path.empty()) {
      return absl::InvalidArgumentError(
          "--tls-client-ca: needs --tls-cert and --tls-key (mutual TLS is "
          "TLS with client certificates)");
    }
    return std::optional<TlsMaterial>();
  }
  if (cert_path.empty() || key_path.empty()) {
    return absl::InvalidArgumentError(
        cert_path.empty() ? "--tls-cert: is required with --tls-key"
                          : "--tls-key: is required with --tls-cert");
  }
  TlsMaterial tls;
  auto cert = ReadPem(cert_path, "--tls-cert");
  if (!cert.ok()) return cert.status();
  tls.certificate_chain = std::move(*cert);
  auto key = ReadPem(key_path, "--tls-key");
  if (!key.ok()) return key.status();
  tls.private_key = std::move(*key);
  if (!client_ca_path.empty()) {
    auto ca = ReadPem(client_ca_path, "--tls-client-ca");
    if (!ca.ok()) return ca.status();
    tls.client_ca = std::move(*ca);
  }
  return std::optional<TlsMaterial>(std::move(tls));
}

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:")) return true;
  const std::string host = absl::AsciiStrToLower(HostOf(address));
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::Status CheckListenSecurity(absl::string_view address, bool tls,
                                 bool tokens_file, bool allow_insecure) {
  if (IsLoopbackAddress(address)) return absl::OkStatus();
  if (!tokens_file) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on '", address,
        "' without --principals: every caller would be an operator who can "
        "read, change and delete everything; give a tokens file (and TLS), "
        "or listen on a loopback address such as 127.0.0.1"));
  }
  if (!tls && !allow_insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on '", address,
        "' without TLS: bearer tokens and records would cross the network in "
        "the clear; give --tls-cert and --tls-key, or --allow-insecure when "
        "a TLS-terminating proxy on a trusted network stands in front"));
  }
  return absl::OkStatus();
}

}  // namespace helixmatch
