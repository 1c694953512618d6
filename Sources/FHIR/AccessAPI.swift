/// The holder's privacy choices and the access code's QR payload (Docs/server-api.md,
/// "Access management"), shared by client and server.
extension API {
    /// `GET|PUT /Patient/{id}/$access-policy`: the emergency choices and "mask all my documents".
    public struct AccessPolicy: Sendable, Equatable, Codable {
        /// The holder opposes *bris de glace* by professionals (purpose `BTG`).
        public var opposeEmergency: Bool
        /// The holder opposes access by the SAMU regulator (purpose `ETREAT`).
        public var opposeSamu: Bool
        /// Every document of the space, present and future, is masked from professionals.
        public var maskAllDocuments: Bool
        /// Documents masked from professionals are shown in an emergency session (purpose `MASKED`);
        /// on unless the holder opposes it (the DMP's rule). A server that leaves it out does not
        /// know it (read as false).
        public var maskedVisibleInEmergency: Bool

        public init(opposeEmergency: Bool = false, opposeSamu: Bool = false, maskAllDocuments: Bool = false,
                    maskedVisibleInEmergency: Bool = true) {
            self.opposeEmergency = opposeEmergency
            self.opposeSamu = opposeSamu
            self.maskAllDocuments = maskAllDocuments
            self.maskedVisibleInEmergency = maskedVisibleInEmergency
        }

        /// The members, in the order the API lists them.
        public static let members = ["opposeEmergency", "opposeSamu", "maskAllDocuments", "maskedVisibleInEmergency"]

        /// Reads an answer (a member the server leaves out counts as false).
        public init(json: JSON) {
            self.init(opposeEmergency: json["opposeEmergency"]?.boolValue ?? false, opposeSamu: json["opposeSamu"]?.boolValue ?? false,
                      maskAllDocuments: json["maskAllDocuments"]?.boolValue ?? false,
                      maskedVisibleInEmergency: json["maskedVisibleInEmergency"]?.boolValue ?? false)
        }

        public var json: JSON {
            ["opposeEmergency": .bool(opposeEmergency), "opposeSamu": .bool(opposeSamu), "maskAllDocuments": .bool(maskAllDocuments),
             "maskedVisibleInEmergency": .bool(maskedVisibleInEmergency)]
        }
    }

    /// What the QR code of an access code carries: `MES-ACCES:1:<8 digits>` (upper-case letters,
    /// digits and colons only, so QR's alphanumeric mode fits it in a version 1 symbol).
    public enum AccessCodePayload {
        public static let prefix = "MES-ACCES:1:"

        public static func encode(code: String) -> String { prefix + code }

        /// The code a payload carries, nil when it is not one (another prefix, not 8 digits).
        public static func decode(_ payload: String) -> String? {
            guard payload.hasPrefix(prefix) else { return nil }
            let code = String(payload.dropFirst(prefix.count))
            return code.count == 8 && code.allSatisfy({ $0.isASCII && $0.isNumber }) ? code : nil
        }
    }
}
