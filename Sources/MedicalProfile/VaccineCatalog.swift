import Foundation
import L10n

/// The vaccines of `Resources/profile/vaccines.tsv`: ATC code, French and English names.
public struct VaccineCatalog: Sendable {
    /// WHO ATC, as FHIR names it.
    public static let atcSystem = "http://www.whocc.no/atc"

    public struct Vaccine: Sendable, Equatable {
        public var code: String
        public var french: String
        public var english: String
    }

    public let vaccines: [Vaccine]

    /// Reads the table from the share directory (`ShareDirectory.locate()` when nil); a missing
    /// file gives an empty list (vaccines are then typed as text).
    public init(shareDirectory: URL? = ShareDirectory.locate()) {
        let text = shareDirectory.flatMap { FileManager.default.contents(atPath: $0.appendingPathComponent("Resources/profile/vaccines.tsv").path) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        self.init(tsv: text)
    }

    public init(tsv: String) {
        vaccines = tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 3, !columns[0].isEmpty else { return nil }
            return Vaccine(code: columns[0], french: columns[1], english: columns[2])
        }
    }

    /// The name of a code in the current language (or the one asked).
    public func name(of code: String, french: Bool? = nil) -> String? {
        guard let vaccine = vaccines.first(where: { $0.code == code }) else { return nil }
        return (french ?? (Localizer.shared.language == .french)) ? vaccine.french : vaccine.english
    }

    /// The code a typed text names: the code itself, or a name (either language, case and
    /// accents aside).
    public func code(matching text: String) -> String? {
        let folded = Self.fold(text)
        return vaccines.first { $0.code.lowercased() == folded || Self.fold($0.french) == folded || Self.fold($0.english) == folded }?.code
    }

    static func fold(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
