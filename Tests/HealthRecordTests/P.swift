import Foundation
import HealthRecord
import XCTest
final class AmbiguityProbe: XCTestCase {
    func testProbe() {
        let m: HealthMeasurement? = nil
        let t: MessageThread? = nil
        _ = (m, t)
    }
}
