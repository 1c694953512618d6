/// An `OperationOutcome`: how every refusal is explained on the wire.
public struct OperationOutcome: Sendable, Equatable {
    public enum Severity: String, Sendable { case fatal, error, warning, information }

    /// FHIR issue types used by mes (IssueType value set).
    public enum IssueType: String, Sendable {
        case invalid, structure, required, value, security, login, unknown, expired, forbidden,
             suppressed, processing, notSupported = "not-supported", duplicate, notFound = "not-found",
             deleted, tooLong = "too-long", conflict, lockError = "lock-error", throttled, exception,
             transient, timeout, incomplete, informational
    }

    public struct Issue: Sendable, Equatable {
        public var severity: Severity
        public var code: IssueType
        public var diagnostics: String
        /// A stable machine code for clients (`stale-version`, `locked-out`, …), in `details`.
        public var detailCode: String?
        /// Where the problem is (`DocumentReference.content[0].attachment.contentType`).
        public var expression: [String]

        public init(severity: Severity = .error, code: IssueType, diagnostics: String, detailCode: String? = nil, expression: [String] = []) {
            self.severity = severity
            self.code = code
            self.diagnostics = diagnostics
            self.detailCode = detailCode
            self.expression = expression
        }
    }

    public var issues: [Issue]

    public init(issues: [Issue]) { self.issues = issues }

    public init(_ code: IssueType, _ diagnostics: String, detailCode: String? = nil, severity: Severity = .error) {
        issues = [Issue(severity: severity, code: code, diagnostics: diagnostics, detailCode: detailCode)]
    }

    public static let detailSystem = "urn:mes:outcome"

    public var resource: Resource {
        var resource = Resource(type: "OperationOutcome")
        resource["issue"] = .array(issues.map { issue in
            .compact([
                "severity": .string(issue.severity.rawValue),
                "code": .string(issue.code.rawValue),
                "details": issue.detailCode.map { Concept.codeable(Self.detailSystem, $0) } ?? .null,
                "diagnostics": .string(issue.diagnostics),
                "expression": .array(issue.expression.map { .string($0) }),
            ])
        })
        return resource
    }

    /// Reads an OperationOutcome (nil when `resource` is something else).
    public init?(_ resource: Resource) {
        guard resource.resourceType == "OperationOutcome" else { return nil }
        issues = resource["issue"]?.elements.map { issue in
            Issue(severity: Severity(rawValue: issue["severity"]?.stringValue ?? "") ?? .error,
                  code: IssueType(rawValue: issue["code"]?.stringValue ?? "") ?? .exception,
                  diagnostics: issue["diagnostics"]?.stringValue ?? "",
                  detailCode: Concept.tokens(of: issue["details"]).first?.code,
                  expression: issue["expression"]?.elements.compactMap(\.stringValue) ?? [])
        } ?? []
    }

    /// The first issue's detail code, if any.
    public var detailCode: String? { issues.first?.detailCode }
}
