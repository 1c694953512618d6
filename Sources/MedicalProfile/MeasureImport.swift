import FHIR
import Foundation
import HealthRecord
import L10n

/// What an import file holds, before anything is saved: the measures to add, how many are
/// already in the vault (skipped), and every line that could not be read, with its number.
public struct MeasureImportPreview: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var reason: Reason
    }

    public enum Reason: Sendable, Equatable {
        case columns
        case date(String)
        case measure(String)
        case value(String)
        case unit(String)
        case implausible(String)
        /// A FHIR entry that is not a measure mes keeps, or that is malformed.
        case resource(String)
    }

    public var measures: [HealthMeasurement] = []
    public var duplicates = 0
    public var problems: [Problem] = []
}

/// Imports of measures: the CSV that scales and blood-pressure monitors export
/// (`date,measure,value,unit`; see Docs/measures-import.md) and FHIR `Bundle`s of `Observation`s.
extension MeasureBook {
    /// Reads a CSV file's text. A first line naming the columns is skipped; `,` or `;` separate
    /// the columns (with `;`, a decimal comma is fine); a blood pressure's value is `130/85`.
    public func previewCSV(_ text: String) throws -> MeasureImportPreview {
        var preview = MeasureImportPreview()
        let existing = try measurements()
        var seen = Set(existing.map(Self.duplicateKey))
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            let separator: Character = line.contains(";") ? ";" : ","
            let columns = line.split(separator: separator, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            if number == 1, columns.first.map(VaccineCatalog.fold) == "date" { continue }
            guard columns.count == 3 || columns.count == 4 else {
                preview.problems.append(.init(line: number, reason: .columns))
                continue
            }
            guard let date = Self.parseDate(columns[0]) else {
                preview.problems.append(.init(line: number, reason: .date(columns[0])))
                continue
            }
            guard let type = MeasureUnits.type(named: columns[1]), type != .bmi else {
                preview.problems.append(.init(line: number, reason: .measure(columns[1])))
                continue
            }
            let parts = columns[2].split(separator: "/").map { LocalFormat.parseDecimal(String($0)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }), parts.count == (type == .bloodPressure ? 2 : 1) else {
                preview.problems.append(.init(line: number, reason: .value(columns[2])))
                continue
            }
            let unit = columns.count == 4 && !columns[3].isEmpty ? columns[3] : nil
            do {
                let measure = try Self.make(id: ProfileBook.newID(), profileID: profileID, type: type, values: parts.compactMap { $0 },
                                            unit: unit, at: date, note: nil)
                let key = Self.duplicateKey(measure)
                if seen.contains(key) {
                    preview.duplicates += 1
                } else {
                    seen.insert(key)
                    preview.measures.append(measure)
                }
            } catch MeasureBookError.unknownUnit(let unit) {
                preview.problems.append(.init(line: number, reason: .unit(unit)))
            } catch {
                preview.problems.append(.init(line: number, reason: .implausible(columns[2])))
            }
        }
        return preview
    }

    /// Reads a FHIR `Bundle` of `Observation`s (a transaction, a batch or a search set), as third-party
    /// apps write them to MES's API. Entries are numbered from 1.
    public func previewBundle(_ bytes: [UInt8]) throws -> MeasureImportPreview {
        var preview = MeasureImportPreview()
        let existing = try measurements()
        var seen = Set(existing.map(Self.duplicateKey))
        let bundle: Resource
        do { bundle = try Resource(parsing: bytes) } catch {
            preview.problems.append(.init(line: 0, reason: .resource("\(error)")))
            return preview
        }
        guard bundle.resourceType == "Bundle" else {
            preview.problems.append(.init(line: 0, reason: .resource(bundle.resourceType)))
            return preview
        }
        for (index, entry) in (bundle["entry"]?.elements ?? []).enumerated() {
            let number = index + 1
            guard let json = entry["resource"], var resource = try? Resource(json), resource.resourceType == "Observation" else {
                preview.problems.append(.init(line: number, reason: .resource(entry["resource"]?["resourceType"]?.stringValue ?? "?")))
                continue
            }
            // The bundle's own ids and subject say nothing of this space: mes gives its own.
            resource.id = ProfileBook.newID()
            resource["subject"] = ["reference": .string("Patient/\(profileID)")]
            guard let record = (try? RecordMapping.decode(resource))?.first as? HealthMeasurement, record.type != .bmi else {
                preview.problems.append(.init(line: number, reason: .measure(FHIRText.code(of: resource))))
                continue
            }
            let stored = record.components.map { component -> MeasurementComponent in
                var component = component
                component.value = UnitConversion.convert(component.value, from: MeasureUnits.ucum(component.unit), to: record.type.unit) ?? component.value
                component.unit = record.type.unit
                return component
            }
            var measure = record
            measure.components = stored
            guard measure.isPlausible else {
                preview.problems.append(.init(line: number, reason: .implausible(stored.map { String($0.value) }.joined(separator: "/"))))
                continue
            }
            let key = Self.duplicateKey(measure)
            if seen.contains(key) { preview.duplicates += 1 } else {
                seen.insert(key)
                preview.measures.append(measure)
            }
        }
        return preview
    }

    /// Saves what a preview found, in one transaction (each with its outbox entry).
    public func commit(_ preview: MeasureImportPreview) throws {
        try vault.write { session in
            for measure in preview.measures { try session.measurements.save(measure) }
        }
    }

    /// Two measures are the same when their type, minute and values agree.
    static func duplicateKey(_ measure: HealthMeasurement) -> String {
        let minute = Int((measure.effective.timeIntervalSince1970 / 60).rounded())
        return "\(measure.type.rawValue)|\(minute)|" + measure.components.map { String(format: "%.2f", $0.value) }.joined(separator: "/")
    }

    /// `2026-03-12`, `2026-03-12T08:30[:00][Z|±hh:mm]`, `2026-03-12 08:30`, `12/03/2026 [08:30]`
    /// (local time, Europe/Paris, when no zone is given).
    public static func parseDate(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let instant = FHIRDateTime.parse(text), text.count > 10 { return instant }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
        guard (1...2).contains(parts.count), let day = PartialDate(typed: parts[0])?.calendarDate else { return nil }
        var hour = 12, minute = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(time.count), (0...23).contains(time[0]), (0...59).contains(time[1]) else { return nil }
            hour = time[0]
            minute = time[1]
        }
        return LocalFormat.instant(DateComponents(year: day.year, month: day.month, day: day.day), time: DateComponents(hour: hour, minute: minute))
    }
}

/// A resource's code as text, for problem reports.
enum FHIRText {
    static func code(of resource: Resource) -> String {
        resource["code"]?["coding"]?[0]?["code"]?.stringValue ?? resource["code"]?["text"]?.stringValue ?? "?"
    }
}
