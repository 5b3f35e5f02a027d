import EVMCrypto
import EVMPrimitives
import Foundation
import TestSupport
import Testing

@Suite struct P256VerifyTests {
  /// `eip-7951/test-vectors.json` (Wycheproof-derived): every expected output.
  /// The file's `Gas` field is RIP-7212's 3 450; EIP-7951 (final, as in the
  /// execution specification) charges 6 900, which is what is asserted.
  @Test func sharedVectors() throws {
    let url = SharedFixtures.path("vectors/eip-7951/test-vectors.json")
    let entries = try #require(try SharedFixtures.loadJSON(url) as? [[String: Any]])
    #expect(entries.count > 700)
    var passed = 0
    var failed = 0
    for entry in entries {
      let input = Hex.decode(entry["Input"] as? String ?? "") ?? []
      let expected = Hex.decode(entry["Expected"] as? String ?? "") ?? []
      let output = P256Verify.run(input: input)
      if output == expected {
        passed += 1
      } else {
        failed += 1
        Issue.record("\(entry["Name"] ?? "?"): got \(Hex.encode(output))")
      }
    }
    #expect(P256Verify.gas == 6900)
    reportSuite("eip-7951/test-vectors.json", passed: passed, failed: failed)
  }

  @Test func malformedInputs() {
    #expect(P256Verify.run(input: []).isEmpty)
    #expect(P256Verify.run(input: [UInt8](repeating: 0, count: 160)).isEmpty)
    #expect(P256Verify.run(input: [UInt8](repeating: 0xff, count: 160)).isEmpty)
    #expect(P256Verify.run(input: [UInt8](repeating: 1, count: 161)).isEmpty)
  }
}
