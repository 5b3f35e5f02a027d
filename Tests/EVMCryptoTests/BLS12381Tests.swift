import EVMCrypto
import EVMPrimitives
import Foundation
import TestSupport
import Testing

/// EIP-2537 vectors from `shared/vectors/eip-2537` (the EIP's own test
/// files): each entry's `Expected` output (and `Gas`), or for the `fail-*`
/// files a rejection.
@Suite struct BLS12381Tests {
  struct Operation: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) throws(PrecompileError) -> [UInt8]
    let gas: @Sendable (Int) -> UInt64
  }

  static let operations: [Operation] = [
    Operation(
      name: "add_G1_bls", run: { (i) throws(PrecompileError) in try BLS12381.g1Add(input: i) }
    ) { _ in
      BLS12381.g1AddGas
    },
    Operation(
      name: "add_G2_bls", run: { (i) throws(PrecompileError) in try BLS12381.g2Add(input: i) }
    ) { _ in
      BLS12381.g2AddGas
    },
    Operation(
      name: "mul_G1_bls", run: { (i) throws(PrecompileError) in try BLS12381.g1MSM(input: i) }
    ) {
      BLS12381.g1MSMGas(pairs: $0 / 160)
    },
    Operation(
      name: "mul_G2_bls", run: { (i) throws(PrecompileError) in try BLS12381.g2MSM(input: i) }
    ) {
      BLS12381.g2MSMGas(pairs: $0 / 288)
    },
    Operation(
      name: "msm_G1_bls", run: { (i) throws(PrecompileError) in try BLS12381.g1MSM(input: i) }
    ) {
      BLS12381.g1MSMGas(pairs: $0 / 160)
    },
    Operation(
      name: "msm_G2_bls", run: { (i) throws(PrecompileError) in try BLS12381.g2MSM(input: i) }
    ) {
      BLS12381.g2MSMGas(pairs: $0 / 288)
    },
    Operation(
      name: "pairing_check_bls",
      run: { (i) throws(PrecompileError) in try BLS12381.pairingCheck(input: i) }
    ) {
      BLS12381.pairingGas(pairs: $0 / 384)
    },
    Operation(
      name: "map_fp_to_G1_bls",
      run: { (i) throws(PrecompileError) in try BLS12381.mapFpToG1(input: i) }
    ) { _ in
      BLS12381.mapFpToG1Gas
    },
    Operation(
      name: "map_fp2_to_G2_bls",
      run: { (i) throws(PrecompileError) in try BLS12381.mapFp2ToG2(input: i) }
    ) { _ in
      BLS12381.mapFp2ToG2Gas
    },
  ]

  static func entries(_ file: String) throws -> [[String: Any]]? {
    let url = SharedFixtures.path("vectors/eip-2537/\(file).json")
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return try SharedFixtures.loadJSON(url) as? [[String: Any]]
  }

  @Test(arguments: operations.map(\.name))
  func validVectors(_ name: String) throws {
    let op = try #require(Self.operations.first { $0.name == name })
    guard let entries = try Self.entries(name) else {
      // msm_G2_bls.json is not among the shared vectors.
      reportSuite("eip-2537/\(name).json", passed: 0, failed: 0, skipped: 1)
      return
    }
    #expect(!entries.isEmpty)
    var passed = 0
    var failed = 0
    for entry in entries {
      let label = entry["Name"] as? String ?? "?"
      let input = Hex.decode(entry["Input"] as? String ?? "") ?? []
      let expected = Hex.decode(entry["Expected"] as? String ?? "") ?? []
      var ok = true
      do {
        let output = try op.run(input)
        if output != expected {
          ok = false
          Issue.record("\(name) \(label): got \(Hex.encode(output))")
        }
      } catch {
        ok = false
        Issue.record("\(name) \(label): rejected")
      }
      if let gas = entry["Gas"] as? Int, UInt64(gas) != op.gas(input.count) {
        ok = false
        Issue.record("\(name) \(label): gas \(op.gas(input.count)) ≠ \(gas)")
      }
      if ok { passed += 1 } else { failed += 1 }
    }
    reportSuite("eip-2537/\(name).json", passed: passed, failed: failed)
  }

  @Test(arguments: operations.map(\.name))
  func failVectors(_ name: String) throws {
    let op = try #require(Self.operations.first { $0.name == name })
    let entries = try #require(try Self.entries("fail-\(name)"))
    #expect(!entries.isEmpty)
    var passed = 0
    var failed = 0
    for entry in entries {
      let label = entry["Name"] as? String ?? "?"
      let input = Hex.decode(entry["Input"] as? String ?? "") ?? []
      do {
        let output = try op.run(input)
        failed += 1
        Issue.record("fail-\(name) \(label): accepted, output \(Hex.encode(output))")
      } catch {
        passed += 1
      }
    }
    reportSuite("eip-2537/fail-\(name).json", passed: passed, failed: failed)
  }

  @Test func gasSchedule() {
    #expect(BLS12381.g1MSMGas(pairs: 1) == 12000)
    #expect(BLS12381.g1MSMGas(pairs: 2) == 2 * 12000 * 949 / 1000)
    #expect(BLS12381.g1MSMGas(pairs: 200) == 200 * 12000 * 519 / 1000)
    #expect(BLS12381.g2MSMGas(pairs: 2) == 2 * 22500)
    #expect(BLS12381.g2MSMGas(pairs: 129) == 129 * 22500 * 524 / 1000)
    #expect(BLS12381.pairingGas(pairs: 2) == 37700 + 2 * 32600)
  }
}
