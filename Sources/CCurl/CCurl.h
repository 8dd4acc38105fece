// Typed wrappers around libcurl's variadic functions, which Swift cannot call directly.
// Each wrapper fixes the type of the value so that the compiler checks it; which option
// takes which type is libcurl's contract (see curl_easy_setopt(3)).
#ifndef MONITOR_CCURL_H
#define MONITOR_CCURL_H

#include <curl/curl.h>

/// curl_global_init with the default flags (SSL included); call once, before any handle.
static inline CURLcode monitor_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// Options whose value is a C string (CURLOPTTYPE_STRINGPOINT); libcurl copies it.
static inline CURLcode monitor_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options whose value is a long (CURLOPTTYPE_LONG, including the enum-valued ones).
static inline CURLcode monitor_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options whose value is a curl_off_t (CURLOPTTYPE_OFF_T), such as CURLOPT_INFILESIZE_LARGE.
static inline CURLcode monitor_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options whose value is a list (CURLOPTTYPE_SLISTPOINT); libcurl does not copy it, so the
/// list must outlive the transfer.
static inline CURLcode monitor_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options whose value is an opaque pointer (CURLOPTTYPE_OBJECTPOINT / CBPOINT), such as
/// CURLOPT_ERRORBUFFER; the memory must outlive the transfer.
static inline CURLcode monitor_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_READFUNCTION and its CURLOPT_READDATA: where an upload (the SMTP message) comes from.
static inline CURLcode monitor_curl_set_read_callback(CURL *handle, curl_read_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_READDATA, userdata);
}

/// CURLOPT_WRITEFUNCTION and its CURLOPT_WRITEDATA: where a response body goes (without one,
/// libcurl writes it to standard output).
static inline CURLcode monitor_curl_set_write_callback(CURL *handle, curl_write_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_WRITEDATA, userdata);
}

/// CURLOPT_DEBUGFUNCTION and its CURLOPT_DEBUGDATA, with CURLOPT_VERBOSE on (the callback is
/// only called in verbose mode; it replaces the default printing to standard error).
static inline CURLcode monitor_curl_set_debug_callback(CURL *handle, curl_debug_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_DEBUGDATA, userdata);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);
}

/// CURLOPT_XFERINFOFUNCTION and its CURLOPT_XFERINFODATA, with CURLOPT_NOPROGRESS off: called
/// about once a second and on every transfer step; returning non-zero aborts the transfer.
static inline CURLcode monitor_curl_set_progress_callback(CURL *handle, curl_xferinfo_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, userdata);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

/// Restricts a handle to the given protocols, so that a URL cannot turn an SMTP or webhook
/// transfer into a file:// or other transfer. `names` ("smtp,smtps") for libcurl 7.85 and
/// later, `mask` (CURLPROTO_SMTP | CURLPROTO_SMTPS) for older ones such as Ubuntu 22.04's.
static inline CURLcode monitor_curl_allow_protocols(CURL *handle, const char *names, long mask) {
#if LIBCURL_VERSION_NUM >= 0x075500
    (void)mask;
    return curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, names);
#else
    (void)names;
    return curl_easy_setopt(handle, CURLOPT_PROTOCOLS, mask);
#endif
}

/// CURLINFO_RESPONSE_CODE: the last HTTP status, or the last SMTP reply code.
static inline long monitor_curl_response_code(CURL *handle) {
    long code = 0;
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK ? code : 0;
}

/// CURLINFO_OS_ERRNO: the errno of the last failed connect (ECONNREFUSED...), or 0.
static inline long monitor_curl_os_errno(CURL *handle) {
    long code = 0;
    return curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &code) == CURLE_OK ? code : 0;
}

#endif
