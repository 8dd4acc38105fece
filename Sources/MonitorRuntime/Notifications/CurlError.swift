import CCurl
import Foundation

/// A failed libcurl call: its code, the detail libcurl wrote in the error buffer, and the
/// operating system's error number for connection failures. Transports turn it into a
/// ``DeliveryError`` that names the server and says what to do.
struct CurlError: Error, CustomStringConvertible {
    var code: CURLcode
    /// The error buffer's text, e.g. "SSL certificate problem: self-signed certificate"; may be empty.
    var detail: String
    /// `errno` of the last failed connect (`ECONNREFUSED`...), or 0.
    var osErrno: Int32 = 0

    /// libcurl's generic sentence for the code, e.g. "Couldn't connect to server".
    var summary: String { String(cString: curl_easy_strerror(code)) }

    /// The most specific text libcurl gave: the error buffer when it is filled, else the summary.
    var description: String { detail.isEmpty ? summary : detail }

    /// An operator-facing sentence for the failures that read the same for every protocol,
    /// or `nil` for the ones each transport explains itself. `server` is `host:port`, never a
    /// URL (a webhook URL may hold a secret token).
    func commonMessage(server: String, host: String, timeouts: DeliveryTimeouts) -> DeliveryError? {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return DeliveryError("cannot resolve the host name \(host) (DNS)", retryable: true)
        case CURLE_COULDNT_CONNECT:
            if osErrno == ECONNREFUSED { return DeliveryError("connection refused by \(server)", retryable: true) }
            let reason = osErrno != 0 ? String(cString: strerror(osErrno)).lowercased() : detail
            return DeliveryError("cannot connect to \(server): \(reason)", retryable: true)
        case CURLE_OPERATION_TIMEDOUT:
            return DeliveryError("timed out after \(timeouts.describe(detail)) talking to \(server)", retryable: true)
        case CURLE_ABORTED_BY_CALLBACK:
            return DeliveryError("delivery to \(server) was cancelled (monitor is stopping)", retryable: true)
        case CURLE_PEER_FAILED_VERIFICATION:
            return DeliveryError(
                """
                TLS: the certificate of \(server) is not trusted (\(detail.isEmpty ? summary : detail)); \
                set ca_file to the CA that signed it, or fix the server's certificate
                """, retryable: false)
        case CURLE_SSL_CACERT_BADFILE:
            return DeliveryError("TLS: cannot read the CA file (\(description)); check ca_file", retryable: false)
        case CURLE_SSL_CONNECT_ERROR:
            return DeliveryError("TLS handshake with \(server) failed: \(description)", retryable: true)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return DeliveryError("this libcurl cannot speak the URL's protocol: \(description)", retryable: false)
        default:
            return nil
        }
    }
}
