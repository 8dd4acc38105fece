/// Text made safe to place inside HTML or SVG/XML markup, in element content and in quoted
/// attribute values alike: the one escaping function of the report, the job history chart and
/// the e-mail body. Everything that comes from configuration or status files goes through it.
public enum HTMLText {
    /// `text` with `& < > " '` escaped, and the characters HTML and XML refuse (control
    /// characters other than tab, line feed and carriage return; U+FFFE, U+FFFF) replaced by
    /// U+FFFD, so that a hostile value can neither open markup, end an attribute, nor make the
    /// document invalid.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF {
                    result.unicodeScalars.append("\u{FFFD}")
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
