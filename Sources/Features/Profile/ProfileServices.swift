import Documents
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI

/// What the Profil médical screen works with: the space's profile and measures in the vault,
/// its documents (where the synthèse is saved), and the growth reference.
public struct ProfileServices: Sendable {
    public var book: ProfileBook
    public var measures: MeasureBook
    public var library: DocumentLibrary?
    /// The growth reference given, else `GrowthReference.standard` (read when a chart first needs it).
    private var givenGrowth: GrowthReference?
    public var growth: GrowthReference {
        get { givenGrowth ?? GrowthReference.standard }
        set { givenGrowth = newValue }
    }
    /// Kiosk mode: no file of the machine is read (the measures import is refused).
    public var kiosk = false

    public init(book: ProfileBook, library: DocumentLibrary?, growth: GrowthReference? = nil) {
        self.book = book
        self.measures = MeasureBook(vault: book.vault, profileID: book.profileID)
        self.library = library
        self.givenGrowth = growth
    }

    /// The same services for another space of the vault (a child's, someone who delegated).
    func switching(to profileID: String) -> ProfileServices {
        let library = library.map { DocumentLibrary(vault: $0.vault, profileID: profileID, viewer: $0.viewer, catalog: $0.catalog) }
        var services = ProfileServices(book: ProfileBook(vault: book.vault, profileID: profileID, vaccines: book.vaccines), library: library, growth: givenGrowth)
        services.kiosk = kiosk
        return services
    }
}

/// What one load brings back for the page on screen.
struct ProfileSnapshot: Sendable {
    var profile: Profile?
    /// Every space of the vault (the holder's, children's, delegated ones).
    var spaces: [Profile] = []
    var counts: [ProfileRubrique: Int] = [:]
    var entries: [ProfileEntry] = []
    var conditions: [ProfileEntry] = []
    var notConcerned = false
    var overview: [(type: MeasurementType, count: Int, latest: HealthMeasurement?, recent: [Double])] = []
    var measures: [HealthMeasurement] = []
    var target: ClosedRange<Double>?
}

/// Results of the screen's effects.
enum ProfileEvent: Sendable {
    case loaded(Int, ProfileSnapshot)
    /// An edit was saved: what to say, and the row to select.
    case saved(String, select: String?)
    /// An edit was refused: the field at fault (nil: none) and why.
    case refused(field: String?, String)
    case failed(String)
    /// A measures file read and checked, nothing saved yet (issue 12's import from the screen).
    case importPreview(MeasureImportPreview, file: String)
}

/// The questions the screen asks (dialog tags).
enum ProfileQuestion: Sendable {
    case deleteEntry(ProfileRubrique, String)
    case deleteMeasure(String)
    case saveSynthesis
    /// Which section of the *habitudes de vie* to fill in (a chooser).
    case lifestyleSection
    /// The measures file to import (a prompt), then whether to import what its preview shows.
    case importFile
    case importMeasures(MeasureImportPreview)
}

/// The work the screen hands to the runtime, off the UI thread.
enum ProfileEffects {
    static func load(_ page: ProfileScreen.Page, generation: Int, services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                var snapshot = ProfileSnapshot()
                let book = services.book
                snapshot.profile = try? book.profile()
                snapshot.spaces = try book.vault.read { try $0.profiles.all() }
                switch page {
                case .home:
                    for section in try book.allEntries() { snapshot.counts[section.rubrique] = section.entries.count }
                    snapshot.notConcerned = try book.isNotConcernedByAllergies()
                    snapshot.overview = try overview(services)
                case .rubrique(let rubrique):
                    snapshot.entries = try book.entries(rubrique)
                    snapshot.conditions = rubrique == .treatments ? try book.entries(.conditions) : []
                    snapshot.notConcerned = rubrique == .allergies ? try book.isNotConcernedByAllergies() : false
                case .measures:
                    snapshot.overview = try overview(services)
                case .measure(let type):
                    snapshot.measures = try services.measures.measurements(type)
                    snapshot.target = try services.measures.target(type)
                }
                return ProfileEvent.loaded(generation, snapshot)
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func overview(_ services: ProfileServices) throws -> [(type: MeasurementType, count: Int, latest: HealthMeasurement?, recent: [Double])] {
        try services.measures.overview(recent: 12)
    }

    static func saveEntry(_ rubrique: ProfileRubrique, id: String?, values: [String: String], services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                let entry = try id.map { try services.book.edit(rubrique, id: $0, values) } ?? services.book.add(rubrique, values)
                let title = ProfileWording.title(entry, vaccines: services.book.vaccines)
                return ProfileEvent.saved(tr(id == nil ? "profile.screen.added" : "profile.screen.changed", ["title": title]), select: entry.id)
            } catch let error as ProfileBookError {
                switch error {
                case .missingField(let key), .invalidValue(let key, _): return ProfileEvent.refused(field: key, ProfileWording.error(error))
                default: return ProfileEvent.refused(field: nil, ProfileWording.error(error))
                }
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func saveMeasure(_ type: MeasurementType, id: String?, values: [Double], unit: String, date: Date,
                            services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                let saved = try id.map { [try services.measures.edit($0, values: values, unit: unit, at: date)] }
                    ?? services.measures.add(type, values: values, unit: unit, at: date)
                var said = tr("measures.add.done", ["measure": ProfileWording.measure(type), "value": ProfileWording.value(of: saved[0], unit: unit),
                                                    "date": LocalFormat.dateTime(saved[0].effective)])
                if let bmi = saved.dropFirst().first { said += " " + tr("measures.add.bmi", ["value": ProfileWording.value(of: bmi)]) }
                return ProfileEvent.saved(said, select: saved[0].id)
            } catch let error as MeasureBookError {
                return ProfileEvent.refused(field: "value", ProfileWording.error(error))
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    /// Reads a measures file (CSV of scales and monitors, or a FHIR Bundle of Observations) and
    /// checks it against the vault: nothing is saved before the user confirms the preview.
    static func previewImport(_ path: String, services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            guard let data = FileManager.default.contents(atPath: path), data.count <= 20_000_000 else {
                return ProfileEvent.failed(tr("measures.import.unreadable", ["path": Sanitizer.sanitize(path)]))
            }
            do {
                let bytes = Array(data)
                let isJSON = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) } == UInt8(ascii: "{")
                let preview = isJSON ? try services.measures.previewBundle(bytes)
                    : try services.measures.previewCSV(String(decoding: bytes, as: UTF8.self))
                return ProfileEvent.importPreview(preview, file: (path as NSString).lastPathComponent)
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func commitImport(_ preview: MeasureImportPreview, services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                try services.measures.commit(preview)
                return ProfileEvent.saved(ProfileWording.imported(preview.measures.count), select: nil)
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    /// Sets or removes a measure's target: kept on the profile, sent at the next sync.
    static func setTarget(_ type: MeasurementType, _ band: ClosedRange<Double>?, services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                try services.measures.setTarget(type, band)
                let said = band == nil ? tr("profile.target.removed", ["measure": ProfileWording.measure(type)])
                    : tr("profile.target.saved", ["measure": ProfileWording.measure(type)])
                return ProfileEvent.saved(said, select: nil)
            } catch let error as MeasureBookError {
                return ProfileEvent.refused(field: "low", ProfileWording.error(error))
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func delete(_ question: ProfileQuestion, services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                switch question {
                case .deleteEntry(let rubrique, let id): try services.book.delete(rubrique, id: id)
                case .deleteMeasure(let id): try services.measures.delete(id)
                case .saveSynthesis, .lifestyleSection, .importFile, .importMeasures: break
                }
                return ProfileEvent.saved(tr("profile.screen.deleted"), select: nil)
            } catch let error as ProfileBookError {
                return ProfileEvent.refused(field: nil, ProfileWording.error(error))
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func declareNotConcerned(_ services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            do {
                try services.book.declareNotConcernedByAllergies()
                return ProfileEvent.saved(tr("profile.not-concerned.done"), select: nil)
            } catch let error as ProfileBookError {
                return ProfileEvent.refused(field: nil, ProfileWording.error(error))
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    /// Saves the synthèse of the chosen sections (every one when empty) among the documents.
    static func saveSynthesis(_ services: ProfileServices, sections: [ProfileSynthesis.Section]) -> Effect<any Sendable> {
        Effect {
            guard let library = services.library else { return ProfileEvent.failed(tr("profile.error.no-profile")) }
            do {
                let synthesis = ProfileSynthesis(book: services.book)
                let now = Date()
                let document = try synthesis.save(try synthesis.pdf(sections: sections, at: now), fileName: try synthesis.fileName(at: now),
                                                  library: library, at: now)
                return ProfileEvent.saved(tr("profile.synthesis.saved", ["title": document.title, "id": document.id]), select: nil)
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    /// Writes new directives anticipées (an `EXPPAT_3` document replacing the previous one).
    static func writeDirectives(_ values: [String: String], services: ProfileServices) -> Effect<any Sendable> {
        Effect {
            guard let library = services.library else { return ProfileEvent.failed(tr("profile.error.no-profile")) }
            do {
                try services.book.writeAdvanceDirectives(try AdvanceDirectives(values: values), library: library)
                return ProfileEvent.saved(tr("profile.directives.saved"), select: nil)
            } catch let error as ProfileBookError {
                return ProfileEvent.refused(field: nil, ProfileWording.error(error))
            } catch {
                return ProfileEvent.failed(message(for: error))
            }
        }
    }

    static func message(for error: any Error) -> String {
        switch error {
        case let error as ProfileBookError: ProfileWording.error(error)
        case let error as MeasureBookError: ProfileWording.error(error)
        default: tr("profile.screen.failed")
        }
    }
}
