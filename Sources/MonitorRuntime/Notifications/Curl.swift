import CCurl
import Foundation

/// libcurl's process-wide set-up. `curl_global_init` must run once before the first handle and
/// is not thread-safe on every libcurl version; a global `let` is initialised exactly once, on
/// first use, whichever thread gets there first.
private let curlGlobalInit: CURLcode = monitor_curl_global_init()

/// One libcurl easy handle with everything it points at (error buffer, lists, the upload, the
/// response and the transcript), freed together when the handle goes away.
///
/// Not thread-safe: one transfer on one thread, which is how libcurl's easy interface works.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// libcurl keeps pointers to lists without copying them: they must live as long as the handle.
    private var lists: [CurlList] = []
    private var upload: [UInt8] = []
    private var uploadOffset = 0
    /// The start of the response body (enough to quote in an error), never all of it.
    private(set) var response: [UInt8] = []
    private let responseLimit = 2_048
    /// What was said on the wire, when `recordTranscript()` was called.
    private(set) var transcript = CurlTranscript()
    private var cancellation: DeliveryCancellation?

    init() throws(CurlError) {
        guard curlGlobalInit == CURLE_OK else { throw CurlError(code: curlGlobalInit, detail: "curl_global_init failed") }
        guard let handle = curl_easy_init() else { throw CurlError(code: CURLE_FAILED_INIT, detail: "curl_easy_init failed") }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(monitor_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        // Timeouts through signals (the default) are unsafe in a multi-threaded program.
        try set(CURLOPT_NOSIGNAL, 1)
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Without a write callback libcurl prints response bodies to standard output.
        try check(
            monitor_curl_set_write_callback(
                handle,
                { data, size, count, userdata in
                    guard let data, let userdata else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
                    let length = size * count
                    let room = max(0, easy.responseLimit - easy.response.count)
                    easy.response.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(room, length)))
                    return length
                }, me))
        try check(
            monitor_curl_set_progress_callback(
                handle,
                { userdata, _, _, _, _ in
                    guard let userdata else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
                    return easy.cancellation?.isCancelled == true ? 1 : 0
                }, me))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(monitor_curl_setopt_string(handle, option, value))
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(monitor_curl_setopt_long(handle, option, value))
    }

    func set(_ option: CURLoption, _ list: CurlList) throws(CurlError) {
        lists.append(list)
        try check(monitor_curl_setopt_slist(handle, option, list.head))
    }

    /// Allows only these protocols (`names` for recent libcurl, `mask` for older ones).
    func allowProtocols(_ names: String, mask: Int32) throws(CurlError) {
        try check(monitor_curl_allow_protocols(handle, names, Int(mask)))
    }

    /// Sends `bytes` as the upload (the SMTP message; `CURLOPT_UPLOAD` is set here).
    func setUpload(_ bytes: [UInt8]) throws(CurlError) {
        upload = bytes
        uploadOffset = 0
        try set(CURLOPT_UPLOAD, 1)
        try check(monitor_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)))
        try check(
            monitor_curl_set_read_callback(
                handle,
                { buffer, size, count, userdata in
                    guard let buffer, let userdata else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
                    let length = min(size * count, easy.upload.count - easy.uploadOffset)
                    easy.upload.withUnsafeBytes { bytes in
                        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + easy.uploadOffset, byteCount: length)
                    }
                    easy.uploadOffset += length
                    return length
                }, Unmanaged.passUnretained(self).toOpaque()))
    }

    /// Records the protocol exchange (commands sent, replies received) so that a failure can be
    /// explained with the server's own words. Credentials are never recorded.
    func recordTranscript() throws(CurlError) {
        try check(
            monitor_curl_set_debug_callback(
                handle,
                { _, kind, data, size, userdata in
                    guard let data, let userdata else { return 0 }
                    let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
                    let bytes = UnsafeRawBufferPointer(start: data, count: size)
                    switch kind {
                    case CURLINFO_HEADER_IN: easy.transcript.received(bytes)
                    case CURLINFO_HEADER_OUT: easy.transcript.sent(bytes)
                    default: break
                    }
                    return 0
                }, Unmanaged.passUnretained(self).toOpaque()))
    }

    /// Runs the transfer on the calling thread until it ends, fails, times out or `cancellation`
    /// is set.
    func perform(cancellation: DeliveryCancellation? = nil) throws(CurlError) {
        self.cancellation = cancellation
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw CurlError(code: code, detail: String(cString: errorBuffer), osErrno: Int32(monitor_curl_os_errno(handle)))
        }
    }

    /// The last HTTP status or SMTP reply code.
    var responseCode: Int { monitor_curl_response_code(handle) }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code: code, detail: "") }
    }
}

/// A `curl_slist` (recipients, HTTP headers), freed with its owner.
final class CurlList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String]) throws(CurlError) {
        for item in items {
            guard let next = curl_slist_append(head, item) else {
                throw CurlError(code: CURLE_OUT_OF_MEMORY, detail: "curl_slist_append failed")
            }
            head = next
        }
    }

    deinit { curl_slist_free_all(head) }
}

/// Lets another thread stop a transfer: libcurl's progress callback reads it about once a
/// second (and at every step), so a stopping daemon does not wait out a 30 s timeout.
public final class DeliveryCancellation: @unchecked Sendable {
    // NSLock rather than Synchronization's Mutex, which needs macOS 15 (Package.swift says 14).
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
