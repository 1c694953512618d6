import Sync
import XCTest

final class ThreeWayMergeTests: XCTestCase {
    func testDifferentFieldsMergeAndSameFieldConflictsWithServerWinning() {
        let base = ["name": "Doliprane", "dose": "1 g", "note": "si douleur"]
        let local = ["name": "Doliprane", "dose": "500 mg", "note": "le soir"]
        let remote = ["name": "Paracétamol", "dose": "1 g", "note": "matin"]
        let result = ThreeWayMerge.merge(base: base, local: local, remote: remote)
        XCTAssertEqual(result.merged, ["name": "Paracétamol", "dose": "500 mg", "note": "matin"])
        XCTAssertEqual(result.conflicts, [.init(field: "note", base: "si douleur", local: "le soir", remote: "matin")])
        XCTAssertEqual(result.locallyChangedFields, ["dose"])
    }

    func testAdditionsAndDeletionsOnEitherSide() {
        let base = ["a": 1, "b": 2]
        let local = ["a": 1, "c": 3]          // deleted b, added c
        let remote = ["a": 1, "b": 2, "d": 4] // added d
        let result = ThreeWayMerge.merge(base: base, local: local, remote: remote)
        XCTAssertEqual(result.merged, ["a": 1, "c": 3, "d": 4])
        XCTAssertTrue(result.conflicts.isEmpty)
        XCTAssertEqual(result.locallyChangedFields, ["b", "c"])
    }

    func testSameChangeOnBothSidesIsNotAConflict() {
        let result = ThreeWayMerge.merge(base: ["x": 1], local: ["x": 2], remote: ["x": 2])
        XCTAssertEqual(result.merged, ["x": 2])
        XCTAssertTrue(result.conflicts.isEmpty)
        XCTAssertTrue(result.locallyChangedFields.isEmpty)
    }

    func testDeleteAgainstEditIsAConflictKeepingTheLocalSide() {
        let result = ThreeWayMerge.merge(base: ["x": 1], local: [:], remote: ["x": 5])
        XCTAssertEqual(result.merged, ["x": 5])
        XCTAssertEqual(result.conflicts, [.init(field: "x", base: 1, local: nil, remote: 5)])
    }
}

final class BackoffTests: XCTestCase {
    func testCeilingGrowsExponentiallyAndIsCapped() {
        let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2)
        XCTAssertEqual(backoff.ceiling(afterAttempt: 1), .milliseconds(100))
        XCTAssertEqual(backoff.ceiling(afterAttempt: 2), .milliseconds(200))
        XCTAssertEqual(backoff.ceiling(afterAttempt: 4), .milliseconds(800))
        XCTAssertEqual(backoff.ceiling(afterAttempt: 9), .seconds(1))
    }

    func testJitterStaysWithinTheCeiling() {
        let backoff = Backoff(initialDelay: .milliseconds(100))
        XCTAssertEqual(backoff.delay(afterAttempt: 3, unitRandom: 0), .zero)
        XCTAssertEqual(backoff.delay(afterAttempt: 3, unitRandom: 0.5), .milliseconds(200))
        XCTAssertEqual(backoff.delay(afterAttempt: 3, unitRandom: 7), .milliseconds(400))
    }
}
