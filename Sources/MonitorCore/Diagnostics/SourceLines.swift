extension String {
    /// The text's lines as YAML counts them: a line ends at "\n", "\r\n" or "\r" (and the rarer
    /// NEL, LS and PS), so that line numbers agree with the parser's marks in CRLF files too.
    ///
    /// Splitting on "\n" alone is not enough: Swift keeps "\r\n" as one `Character`.
    var sourceLines: [Substring] {
        split(omittingEmptySubsequences: false) { character in
            character == "\n" || character == "\r\n" || character == "\r"
                || character == "\u{85}" || character == "\u{2028}" || character == "\u{2029}"
        }
    }
}
