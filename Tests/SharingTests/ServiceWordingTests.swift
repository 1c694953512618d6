import FHIR
import L10n
import Sharing
import XCTest

/// How a connected service's state reads, from the server's answer (`$services`).
final class ServiceWordingTests: XCTestCase {
    override func setUp() async throws { Localizer.shared.setLanguage(.french) }

    func testAPausedServiceSaysWhyItWaitsForApproval() throws {
        func state(_ connection: JSON?) throws -> String {
            var json: JSON = ["id": "tensio", "name": "Tensio Suivi", "publisher": "", "summary": "", "version": 2, "finalities": []]
            json["connection"] = connection
            return SharingWording.serviceState(try XCTUnwrap(API.ServiceEntry(json: json)))
        }
        XCTAssertEqual(try state(nil), "non connecté")
        XCTAssertEqual(try state(["consent": "c", "finalities": ["mesures"], "approvedVersion": 2, "needsApproval": false]), "connecté")
        XCTAssertEqual(try state(["consent": "c", "finalities": ["mesures"], "approvedVersion": 1, "needsApproval": true,
                                  "approvalReason": "service-version"]), "en pause : il demande davantage, à réapprouver")
        XCTAssertEqual(try state(["consent": "c", "finalities": ["mesures"], "approvedVersion": 2, "needsApproval": true,
                                  "approvalReason": "majority"]), "en pause : à autoriser vous-même depuis vos 18 ans")
        // A server that sends the flag without its reason: the reason it always meant.
        XCTAssertEqual(try state(["consent": "c", "finalities": ["mesures"], "approvedVersion": 1, "needsApproval": true]),
                       "en pause : il demande davantage, à réapprouver")
        Localizer.shared.setLanguage(.english)
        defer { Localizer.shared.setLanguage(.french) }
        XCTAssertEqual(try state(["consent": "c", "finalities": [], "approvedVersion": 2, "needsApproval": true, "approvalReason": "majority"]),
                       "paused: now you are 18, approve it yourself")
    }
}
