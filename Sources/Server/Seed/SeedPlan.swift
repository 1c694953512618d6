import Foundation

/// What `--seed` asks for.
public enum SeedPlan: Sendable, Equatable {
    /// The demo world.
    case demo
    /// The demo world plus N synthetic documents (with proportional messages and events).
    case synthetic(Int)

    /// Parses `demo` or `synthetic:N`.
    public init?(_ text: String) {
        if text == "demo" { self = .demo; return }
        guard text.hasPrefix("synthetic:"), let count = Int(text.dropFirst("synthetic:".count)), (1...1_000_000).contains(count) else { return nil }
        self = .synthetic(count)
    }
}

/// One account of the demo world, as `DATA/demo-accounts.json` lists it.
public struct DemoAccount: Sendable, Equatable, Codable {
    /// holder, child, aidant or professional.
    public var role: String
    /// The login identifier (the RPPS number for professionals).
    public var identifier: String
    public var password: String
    public var displayName: String
    /// The patient space (holder, child) or Practitioner id (professional).
    public var resource: String?
}
