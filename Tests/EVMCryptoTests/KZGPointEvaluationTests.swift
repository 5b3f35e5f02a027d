import EVMCrypto
import EVMPrimitives
import Foundation
import TestSupport
import Testing

@Suite struct KZGPointEvaluationTests {
  /// A `verify_kzg_proof` case of the c-kzg reference tests.
  struct Case {
    let name: String
    var fields: [String: String] = [:]
    /// `true`, `false`, or `nil` (the input is invalid).
    var output: Bool?
  }

  /// Reads the small `data.yaml` format by hand: four quoted hex inputs and
  /// an `output:` of `true`, `false` or `null`.
  static func parse(_ text: String, name: String) -> Case {
    var c = Case(name: name)
    for rawLine in text.split(separator: "\n") {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = String(line[..<colon])
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        .trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
      if key == "output" {
        c.output = value == "true" ? true : value == "false" ? false : nil
      } else if !value.isEmpty {
        c.fields[key] = value
      }
    }
    return c
  }

  @Test func cKZGVectors() throws {
    let root = SharedFixtures.path("vectors/kzg/verify_kzg_proof")
    let dirs = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
    #expect(dirs.count >= 100)
    var passed = 0
    var failed = 0
    for dir in dirs {
      let text = try String(
        contentsOf: root.appendingPathComponent(dir).appendingPathComponent("data.yaml"),
        encoding: .utf8)
      let c = Self.parse(text, name: dir)
      // Inputs of the wrong length (invalid hex sizes) count as invalid.
      let commitment = Hex.decode(c.fields["commitment"] ?? "") ?? []
      let z = Hex.decode(c.fields["z"] ?? "") ?? []
      let y = Hex.decode(c.fields["y"] ?? "") ?? []
      let proof = Hex.decode(c.fields["proof"] ?? "") ?? []
      let got: Bool?
      if commitment.count != 48 || proof.count != 48 || z.count != 32 || y.count != 32 {
        got = nil
      } else {
        got = try? KZGPointEvaluation.verifyProof(commitment: commitment, z: z, y: y, proof: proof)
      }
      if got == c.output {
        passed += 1
      } else {
        failed += 1
        Issue.record(
          "\(dir): got \(String(describing: got)), expected \(String(describing: c.output))")
      }
      // Through the precompile: valid proofs succeed, everything else fails.
      if commitment.count == 48 && proof.count == 48 && z.count == 32 && y.count == 32 {
        var versioned = SHA256Digest.hash(commitment).bytes
        versioned[0] = 1
        let input = versioned + z + y + commitment + proof
        let result = try? KZGPointEvaluation.run(input: input)
        #expect((result != nil) == (c.output == true), "\(dir) via precompile")
        if let result { #expect(result == KZGPointEvaluation.successOutput) }
      }
    }
    reportSuite("kzg/verify_kzg_proof", passed: passed, failed: failed)
  }

  @Test func tauMatchesTrustedSetup() throws {
    let text = try String(
      contentsOf: SharedFixtures.path("vectors/kzg/trusted_setup.txt"), encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    // 4096, 65, 4096 G1 points, then the G2 points: [1]₂, [τ]₂, ...
    let g1Count = try #require(Int(lines[0]))
    let tauLine = lines[2 + g1Count + 1]
    #expect(Hex.encode(KZGPointEvaluation.tauG2Compressed, prefix: false) == tauLine)
  }

  @Test func precompileRejections() throws {
    #expect(throws: PrecompileError.invalidInput) { try KZGPointEvaluation.run(input: []) }
    // Correct proof for the zero polynomial at z = 0 but a wrong versioned hash.
    var input = [UInt8](repeating: 0, count: 192)
    input[96] = 0xc0
    input[144] = 0xc0
    #expect(throws: PrecompileError.invalidInput) { try KZGPointEvaluation.run(input: input) }
    var versioned = SHA256Digest.hash(Array(input[96..<144])).bytes
    versioned[0] = 1
    input.replaceSubrange(0..<32, with: versioned)
    #expect(try KZGPointEvaluation.run(input: input) == KZGPointEvaluation.successOutput)
    #expect(
      Hex.encode(KZGPointEvaluation.successOutput, prefix: false)
        == "0000000000000000000000000000000000000000000000000000000000001000"
        + "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
  }
}
