/// A chart drawn as SVG elements in its own coordinates, `0...width` × `0...height`, to be
/// placed inline in the HTML report or composed into a standalone SVG document. Every value
/// from configuration or status files in `body` is already escaped with `HTMLText.escape`.
public struct SVGChart: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// What the chart shows, in words: its accessible name (and the words a reader without
    /// colour can rely on).
    public var label: String
    /// The elements, without the enclosing `<svg>`.
    public var body: String

    public init(width: Int, height: Int, label: String, body: String) {
        self.width = width
        self.height = height
        self.label = label
        self.body = body
    }

    /// An `<svg>` element for inline use in HTML: sized, scalable (CSS `max-width: 100%`),
    /// named for assistive technology. Its font comes from the page's CSS.
    public var inline: String {
        "<svg class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\""
            + " aria-label=\"\(HTMLText.escape(label))\">\n"
            + body + "</svg>"
    }

    /// A fill colour per verdict. Colour is never the only cue: shapes differ (MISSING is
    /// hollow, PENDING half height, SKIPPED a thin bar) and every mark has a `<title>` with the verdict word.
    static func colour(_ verdict: Verdict) -> String {
        switch verdict {
        case .success: "#1a7f37"
        case .failed: "#cf222e"
        case .hashMismatch: "#8250df"
        case .missing: "#bc4c00"
        case .suspicious: "#9a6700"
        case .skipped: "#6e7781"
        case .pending: "#8c959f"
        }
    }

    /// A badge colour per job status, dark enough for white text: the verdict's colour, with
    /// the waiting states in grey.
    static func colour(_ status: JobStatus) -> String {
        switch status {
        case .verdict(.pending), .verdict(.skipped), .new, .unknown: "#57606a"
        case .verdict(let verdict): colour(verdict)
        case .stale: "#7d4e00"
        }
    }
}
