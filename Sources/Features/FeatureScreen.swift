import TerminalUI

/// A section's screen: a `Component` (one `update`, one pure `render`) that the shell shows
/// under its header, with a few facts the shell needs besides. See `Docs/screens.md`.
///
/// - Loading happens on `.appear`: return an effect that reads the vault; its result comes back
///   as `.event`.
/// - Edits are effects too. Write through the vault's repositories (one transaction that changes
///   the record and queues it in the outbox): the shell hears the vault change, says
///   "1 en attente" in the header and schedules a sync by itself.
/// - `.changed(kinds)` arrives when the data under the screen changed (a sync brought
///   something): read again what you show.
/// - Dialogs (confirmations, prompts, choosers, forms) are opened with `Update.open`: the shell
///   gives them the keys and the drawing until they close, then hands you their `Answer`.
public protocol FeatureScreen: Component {
    /// What to say when the user arrives on the screen (its title is said already).
    var summary: String? { get }
    /// True while the screen shows a reader that wants the whole width (no section list).
    var usesWholeWidth: Bool { get }
    /// True when the screen may hold what it read from the vault (records, document text): when
    /// the vault locks, such a screen is dropped and made afresh, so nothing decrypted stays in
    /// its state behind the lock screen (Docs/security.md). True unless a screen says otherwise.
    var holdsVaultData: Bool { get }
}

extension FeatureScreen {
    public var holdsVaultData: Bool { true }
    public var summary: String? { nil }
    public var usesWholeWidth: Bool { false }
}

/// What a screen may ask of the shell, in `Update.requests`.
public enum ShellRequest: Sendable {
    /// Apply and keep new settings (the Réglages screen).
    case apply(AppSettings)
    /// Sync now (as `$` does).
    case syncNow
    /// Work in another space (section 7, Aidants et profils): the shell opens it.
    case switchSpace(String)
    /// Show an item in its section (a line of the Accueil).
    case open(OpenItem)
}
