// The helixmatch HTTP API: POST /helixmatch.v1.MatchService/<Method> with
// the request in protobuf's JSON mapping (Connect's unary convention).
// The token lives in sessionStorage only.

const TOKEN_KEY = "helixmatch.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(code, message, httpStatus) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

// What an error code means to a person reading the page.
const CODE_WORDS = {
  unauthenticated: "Sign-in needed: the server does not accept this token",
  permission_denied: "Not allowed for your role",
  not_found: "Not found",
  invalid_argument: "The request was not accepted",
  failed_precondition: "Not possible right now",
  resource_exhausted: "Too large",
  already_exists: "Already exists",
  unavailable: "The server is not available",
  deadline_exceeded: "The server took too long",
  internal: "The server failed",
  unknown: "The server failed",
};

export function describeError(error) {
  if (error instanceof ApiError) {
    const words = CODE_WORDS[error.code] ?? `Error (${error.code})`;
    return error.message ? `${words}: ${error.message}` : `${words}.`;
  }
  return `The server could not be reached (${error.message}).`;
}

// Calls one method. `body` is an object (sent as JSON) or a string sent
// as is with `contentType`. Resolves to the response object; rejects with
// an ApiError for an error answer, or a TypeError when there is no answer.
export async function call(method, body = {}, contentType = "application/json") {
  const headers = { "Content-Type": contentType };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const response = await fetch(`/helixmatch.v1.MatchService/${method}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    cache: "no-store",
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    throw new ApiError(payload?.code ?? "unknown",
                       payload?.message ?? `HTTP ${response.status}`,
                       response.status);
  }
  return payload ?? {};
}
