import Foundation
import HealthRecord

/// Record bodies written without `JSONEncoder` for the kinds an initial sync brings by the
/// thousand (documents: three quarters of `synthetic:10000`'s changes; messages, their threads,
/// appointments and measures).
/// Foundation's encoder was a tenth of the sync's time (issue 20). The bytes are what `JSONEncoder` writes for the
/// same record, up to key order and number spelling: `JSONDecoder` reads them back into an
/// equal record (`RecordBodyTests` checks every member, so a member added to one of these types
/// and not here fails a test).
enum RecordBody {
    /// The body of `record`, or nil when its kind has no hand-written form (or a value the
    /// encoder refuses, such as a non-finite measure: the encoder then says why).
    static func encoded(_ record: some Encodable) -> Data? {
        switch record {
        case let document as Document: Data(Self.document(document))
        case let message as Message: Data(Self.message(message))
        case let thread as MessageThread: Data(Self.thread(thread))
        case let measurement as HealthMeasurement: Self.measurement(measurement).map { Data($0) }
        case let event as AgendaEvent: Self.agendaEvent(event).map { Data($0) }
        default: nil
        }
    }

    static func message(_ message: Message) -> [UInt8] {
        var writer = BodyWriter()
        writer.open()
        writer.member("allowsReply", message.allowsReply)
        writer.member("attachmentIDs") { $0.strings(message.attachmentIDs) }
        writer.member("body", message.body)
        writer.member("files") { writer in
            writer.objects(message.files) { writer, file in
                writer.member("contentType", file.contentType)
                writer.member("data", file.data.base64EncodedString())
                writer.member("title", file.title)
            }
        }
        writer.member("id", message.id)
        writer.member("inResponseTo", message.inResponseTo)
        writer.member("isRead", message.isRead)
        writer.member("profileID", message.profileID)
        if let recipient = message.recipient { writer.member("recipient") { $0.participant(recipient) } }
        writer.member("sender") { $0.participant(message.sender) }
        writer.member("sent", message.sent)
        writer.member("threadID", message.threadID)
        writer.member("topic", message.topic)
        writer.member("writtenFor", message.writtenFor)
        writer.close()
        return writer.bytes
    }

    static func thread(_ thread: MessageThread) -> [UInt8] {
        var writer = BodyWriter()
        writer.open()
        writer.member("id", thread.id)
        writer.member("isArchived", thread.isArchived)
        writer.member("isClosed", thread.isClosed)
        writer.member("lastActivity", thread.lastActivity)
        writer.member("lastFromPatientSide", thread.lastFromPatientSide)
        writer.member("lastPreview", thread.lastPreview)
        writer.member("lastSender", thread.lastSender)
        writer.member("participants") { writer in writer.array(thread.participants) { $0.participant($1) } }
        writer.member("profileID", thread.profileID)
        writer.member("subject", thread.subject)
        writer.close()
        return writer.bytes
    }

    /// Nil for a non-finite value, which `JSONEncoder` refuses.
    static func measurement(_ measurement: HealthMeasurement) -> [UInt8]? {
        guard measurement.components.allSatisfy(\.value.isFinite) else { return nil }
        var writer = BodyWriter()
        writer.open()
        writer.member("components") { writer in
            writer.objects(measurement.components) { writer, component in
                writer.member("loinc", component.loinc)
                writer.member("unit", component.unit)
                writer.member("value", component.value)
            }
        }
        writer.member("effective", measurement.effective)
        writer.member("id", measurement.id)
        writer.member("note", measurement.note)
        writer.member("profileID", measurement.profileID)
        writer.member("type", measurement.type.rawValue)
        writer.close()
        return writer.bytes
    }

    /// Nil for a non-finite reminder offset, which `JSONEncoder` refuses.
    static func agendaEvent(_ event: AgendaEvent) -> [UInt8]? {
        guard event.reminderOffsets.allSatisfy(\.isFinite) else { return nil }
        var writer = BodyWriter()
        writer.open()
        writer.member("allDay", event.allDay)
        writer.member("category", event.category.rawValue)
        writer.member("end", event.end)
        writer.member("externalUID", event.externalUID)
        writer.member("id", event.id)
        writer.member("location", event.location)
        writer.member("note", event.note)
        if let practitioner = event.practitioner {
            writer.member("practitioner", strings: [("name", practitioner.name), ("organization", practitioner.organization),
                                                    ("rpps", practitioner.rpps), ("specialty", practitioner.specialty)])
        }
        writer.member("preventionStep", event.preventionStep)
        writer.member("profileID", event.profileID)
        writer.member("recurrenceRule", event.recurrenceRule)
        writer.member("reminderOffsets") { writer in writer.array(event.reminderOffsets) { $0.number($1) } }
        if let source = event.source { writer.member("source", strings: [("kind", source.kind.rawValue), ("name", source.name)]) }
        writer.member("start", event.start)
        writer.member("status", event.status.rawValue)
        writer.member("title", event.title)
        writer.close()
        return writer.bytes
    }

    static func document(_ document: Document) -> [UInt8] {
        var writer = BodyWriter()
        writer.open()
        writer.member("author", strings: [("name", document.author.name), ("organization", document.author.organization),
                                           ("rpps", document.author.rpps)])
        writer.member("category", document.category?.rawValue)
        writer.member("classCode", document.classCode.rawValue)
        writer.member("confidentiality", document.confidentiality.rawValue)
        writer.member("creationDate", document.creationDate)
        writer.member("format", document.format)
        writer.member("id", document.id)
        writer.member("isRead", document.isRead)
        writer.member("note", document.note)
        writer.member("origin", document.origin.rawValue)
        writer.member("profileID", document.profileID)
        writer.member("serviceEnd", document.serviceEnd)
        writer.member("serviceStart", document.serviceStart)
        writer.member("sha256", document.sha256)
        writer.member("size", document.size)
        writer.member("title", document.title)
        writer.member("typeCode", strings: [("code", document.typeCode.code), ("display", document.typeCode.display),
                                             ("system", document.typeCode.system)])
        writer.member("visibility") { $0.strings(document.visibility.map(\.rawValue).sorted()) }
        writer.close()
        return writer.bytes
    }
}

/// JSON objects written member by member into bytes (members whose value is nil are left out,
/// as the synthesized `Encodable` conformances do).
private struct BodyWriter {
    var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(640) }

    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func member(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A date as `JSONEncoder`'s default strategy writes it: seconds since 2001 (`Double`'s
    /// description is the shortest text that reads back to the same value).
    mutating func member(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        let seconds = value.timeIntervalSinceReferenceDate
        precondition(seconds.isFinite, "a date's seconds are finite")
        bytes.append(contentsOf: seconds.description.utf8)
    }

    /// A finite number (`Double`'s description reads back to the same value).
    mutating func member(_ name: StaticString, _ value: Double) {
        key(name)
        number(value)
    }

    mutating func number(_ value: Double) {
        precondition(value.isFinite, "a number is finite")
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A JSON array of `elements`, each written by `element`.
    mutating func array<Element>(_ elements: [Element], _ element: (inout BodyWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON array of objects, each one's members written by `members`.
    mutating func objects<Element>(_ elements: [Element], _ members: (inout BodyWriter, Element) -> Void) {
        array(elements) { writer, element in
            writer.open()
            members(&writer, element)
            writer.close()
        }
    }

    mutating func strings(_ values: [String]) {
        array(values) { writer, value in writer.string(value) }
    }

    mutating func participant(_ participant: Participant) {
        open()
        member("address", participant.address)
        member("name", participant.name)
        member("organization", participant.organization)
        member("profession", participant.profession)
        member("role", participant.role.rawValue)
        close()
    }

    /// A nested object of text members.
    mutating func member(_ name: StaticString, strings members: [(StaticString, String?)]) {
        member(name) { writer in
            writer.open()
            for (key, value) in members { writer.member(key, value) }
            writer.close()
        }
    }

    mutating func member(_ name: StaticString, _ value: (inout BodyWriter) -> Void) {
        key(name)
        value(&self)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest copied.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { text in
            var start = 0
            for (index, byte) in text.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
