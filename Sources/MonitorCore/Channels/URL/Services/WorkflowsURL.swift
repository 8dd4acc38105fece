/// `workflows://host[:port]/WORKFLOW_ID/SIGNATURE[?pa=yes][&ver=API_VERSION]`: a Microsoft Teams
/// Workflows (Power Automate) webhook, written the way Apprise shortens
/// `https://HOST/workflows/ID/triggers/manual/paths/invoke?...&sig=SIGNATURE`; `pa=yes` for the
/// newer `.../powerautomate/automations/direct/workflows/ID/...` form.
public struct WorkflowsURL: NotificationServiceURL {
    static let name = "Teams Workflows"
    static let schemes = ["workflows", "workflow"]
    static let example = "workflows://prod-01.westus.logic.azure.com:443/a1b2c3d4e5/SiGnAtUrE_0123"

    public var host: String
    public var port: Int?
    public var workflow: String
    public var signature: String
    public var powerAutomate: Bool
    /// `api-version` of the request: 2016-06-01, or 2022-03-01-preview with `pa=yes`, unless `ver=` says.
    public var apiVersion: String

    public var origin: String { NotificationURL.origin(secure: true, host: host, port: port) }

    var service: NotificationURL.Service { .workflows(self) }
    var secrets: [String] { [signature] }
    var secretName: String { "its signature" }
    var fields: [String: String] {
        [
            "host": host, "port": port.map(String.init) ?? "", "workflow": workflow, "signature": signature,
            "power_automate": String(powerAutomate), "api_version": apiVersion,
        ]
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> WorkflowsURL {
        let options = try pieces.options(allowed: ["pa", "ver", "api-version"], service: name)
        try pieces.refuseUserinfo("has user information; a Workflows URL holds its signature in the path")
        let (host, port) = try pieces.hostAndPort(example: example)
        guard let workflow = pieces.path.first else {
            throw NotificationURLProblem("has no workflow id; write e.g. \(example)", at: pieces.length)
        }
        try workflow.require("workflow id", extra: "_-", example: example)
        guard pieces.path.count >= 2 else {
            throw NotificationURLProblem("has no signature after the workflow id (the sig= of the Workflows URL)", at: pieces.length)
        }
        let signature = pieces.path[1]
        try signature.require("signature", extra: "_-", example: example)
        if pieces.path.count > 2 { throw NotificationURLProblem("has more after the signature", at: pieces.path[2].offset) }
        var powerAutomate = false
        if let value = options["pa"] {
            switch value.text.lowercased() {
            case "yes", "true", "1", "on": powerAutomate = true
            case "no", "false", "0", "off": powerAutomate = false
            default: throw NotificationURLProblem("has pa=\(value.text); write pa=yes or pa=no", at: value.offset)
            }
        }
        if options["ver"] != nil, options["api-version"] != nil {
            throw NotificationURLProblem("has both ver= and api-version=; keep one", at: options["api-version"]!.offset)
        }
        var apiVersion = powerAutomate ? "2022-03-01-preview" : "2016-06-01"
        if let value = options["ver"] ?? options["api-version"] {
            try value.require("API version", extra: "-.", example: "2016-06-01")
            apiVersion = value.text
        }
        return WorkflowsURL(
            host: host, port: port, workflow: workflow.text, signature: signature.text, powerAutomate: powerAutomate, apiVersion: apiVersion)
    }
}
