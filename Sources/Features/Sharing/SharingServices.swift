import Documents
import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// What the Partage screen works with: the space's sharing center, the mode of the session and
/// the clock (tests pass their own).
public struct SharingServices: Sendable {
    public var center: SharingCenter
    /// Kiosk mode: no download of the data.
    public var kiosk: Bool
    public var clock: @Sendable () -> Date

    /// Said when the app starts: people who accessed the space for the first time since the
    /// history was last seen (nil: nobody new).
    public var newcomersAtStart: String?

    public init(center: SharingCenter, kiosk: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.center = center
        self.kiosk = kiosk
        self.clock = clock
        newcomersAtStart = (try? center.newcomers()).flatMap(SharingWording.newcomers)
    }
}

/// What the vault says about sharing, read in one go.
struct SharingSnapshot: Sendable {
    var sessions: [AccessGrant] = []
    var codes: [AccessGrant] = []
    var blocks: [Block] = []
    var masked: [Document] = []
    /// How many documents the space has (for "mask all"'s figure).
    var documentCount = 0
    var history: [AuditEntry] = []
    /// Until when the history had been seen when the screen loaded it (later entries are new).
    var historySeen: Date?
    /// The policy as last read from the server.
    var policy = AccessPolicy()
}

/// A change of one of the holder's choices.
enum PolicyChange: Hashable, Sendable {
    case samu(Bool)
    case emergency(Bool)
    case maskedInEmergency(Bool)
    case maskAll(Bool)

    func apply(_ policy: inout AccessPolicy) {
        switch self {
        case .samu(let allowed): policy.opposeSamu = !allowed
        case .emergency(let allowed): policy.opposeEmergency = !allowed
        case .maskedInEmergency(let visible): policy.maskedVisibleInEmergency = visible
        case .maskAll(let on): policy.maskAllDocuments = on
        }
    }
}

/// What the user asked for, carried as the tag of the dialog that confirms it.
enum SharingAction: Hashable, Sendable {
    case end(id: String, name: String)
    case block(id: String, name: String)
    case unblock(id: String, name: String)
    case policy(PolicyChange)
    case unmask(id: String, title: String)
    case searchDirectory
    case chooseProfessional([DirectoryEntry])
    case historyRole
    case historyActor
    case export
    case connectService(id: String, name: String, finalities: [String])
    case disconnectService(id: String, name: String)
}

/// Results of the screen's effects.
enum SharingEvent: Sendable {
    case loaded(Int, Result<SharingSnapshot, SharingLoadError>)
    case policy(Result<AccessPolicy, SharingError>)
    case codeCreated(Result<AccessCode, SharingError>, AccessDuration)
    case directory(Result<[DirectoryEntry], SharingError>)
    /// The catalogue de services from the server (or why not).
    case services(Result<[ConnectedService], SharingError>)
    /// An operation ended: a sentence for the status line, then the vault is read again.
    case done(String)
    case failed(String)
    /// A second passed (the countdown of a code on screen).
    case tick
}

struct SharingLoadError: Error, Sendable {
    let message: String
}

/// The work the screen hands to the runtime, off the UI thread.
enum SharingEffects {
    static func load(_ center: SharingCenter, generation: Int, now: Date) -> Effect<any Sendable> {
        Effect {
            do {
                var snapshot = SharingSnapshot()
                snapshot.sessions = try center.sessions(at: now)
                snapshot.codes = try center.pendingCodes(at: now)
                snapshot.blocks = try center.blockedProfessionals()
                snapshot.masked = try center.maskedDocuments()
                snapshot.documentCount = try center.documentCount()
                snapshot.history = try center.history()
                snapshot.historySeen = try center.historySeen()
                snapshot.policy = try center.cachedPolicy()
                return SharingEvent.loaded(generation, .success(snapshot))
            } catch {
                return SharingEvent.loaded(generation, .failure(SharingLoadError(message: tr("sharing.screen.load-failed"))))
            }
        }
    }

    /// Reads the policy from the server (the vault's copy is shown meanwhile).
    static func fetchPolicy(_ center: SharingCenter) -> Effect<any Sendable> {
        Effect {
            SharingEvent.policy(await attempt { () async throws(SharingError) in try await center.policy() })
        }
    }

    /// Reads the catalogue de services and the holder's consents from the server.
    static func fetchServices(_ center: SharingCenter) -> Effect<any Sendable> {
        Effect {
            SharingEvent.services(await attempt { () async throws(SharingError) in try await center.services() })
        }
    }

    static func markHistorySeen(_ center: SharingCenter, at date: Date) -> Effect<any Sendable> {
        Effect {
            try? center.markHistorySeen(date)
            return nil
        }
    }

    static func createCode(_ center: SharingCenter, duration: AccessDuration, sections: [HealthRecord.Section]) -> Effect<any Sendable> {
        Effect {
            SharingEvent.codeCreated(await attempt { () async throws(SharingError) in
                try await center.createCode(duration: duration, rubriques: sections)
            }, duration)
        }
    }

    static func run(_ said: String, _ work: @escaping @Sendable () async throws(SharingError) -> Void) -> Effect<any Sendable> {
        Effect {
            switch await attempt(work) {
            case .success: SharingEvent.done(said)
            case .failure(let error): SharingEvent.failed(SharingWording.error(error))
            }
        }
    }

    static func unmask(_ id: String, title: String, _ center: SharingCenter) -> Effect<any Sendable> {
        Effect {
            do {
                try DocumentLibrary(vault: center.vault, profileID: center.profileID).setMasked(id, false)
                return SharingEvent.done(tr("sharing.screen.unmasked", ["title": title]))
            } catch {
                return SharingEvent.failed(tr("sharing.screen.unmask-failed"))
            }
        }
    }

    static func searchDirectory(_ text: String, _ center: SharingCenter) -> Effect<any Sendable> {
        Effect {
            SharingEvent.directory(await attempt { () async throws(SharingError) in try await center.searchDirectory(text) })
        }
    }

    static func export(to path: String, _ services: SharingServices) -> Effect<any Sendable> {
        let center = services.center, kiosk = services.kiosk
        return Effect {
            switch await attempt({ () async throws(SharingError) in try await center.exportFHIR(to: path, kiosk: kiosk) }) {
            case .success(let count): SharingEvent.done(tr("sharing.export.done", ["count": String(count), "path": path]))
            case .failure(let error): SharingEvent.failed(SharingWording.error(error))
            }
        }
    }

    /// Runs a sharing operation into a Result.
    static func attempt<Value>(_ work: () async throws(SharingError) -> Value) async -> Result<Value, SharingError> {
        do { return .success(try await work()) } catch { return .failure(error) }
    }

    static func tick() -> Effect<any Sendable> {
        Effect {
            try? await Task.sleep(for: .seconds(1))
            return SharingEvent.tick
        }
    }
}
