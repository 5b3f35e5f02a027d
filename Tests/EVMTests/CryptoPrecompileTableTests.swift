import EVM
import EVMPrimitives
import Testing

/// The precompile table's entries for 0x0a (KZG), 0x0b...0x11 (BLS12-381)
/// and 0x100 (P256VERIFY): implemented, active from their forks, and
/// charging gas as their EIPs say.
@Suite struct CryptoPrecompileTableTests {
  func precompile(_ n: UInt64, _ fork: Fork = .osaka) throws -> Precompile {
    try #require(Precompiles.lookup(Address(word: UInt256(n)), fork: fork))
  }

  @Test func entriesAreImplemented() throws {
    for n: UInt64 in [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x100] {
      #expect(try precompile(n).isImplemented, "precompile \(n)")
    }
    #expect(Precompiles.lookup(Address(word: UInt256(0x0b)), fork: .cancun) == nil)
    #expect(Precompiles.lookup(Address(word: UInt256(0x100)), fork: .prague) == nil)
  }

  @Test func blsAddOfInfinities() throws {
    let result = try precompile(0x0b).run([UInt8](repeating: 0, count: 256), 1000, .prague)
    #expect(result.gasLeft == 1000 - 375)
    #expect(result.output == [UInt8](repeating: 0, count: 128))
    let bad = try precompile(0x0b).run([UInt8](repeating: 0, count: 255), 1000, .prague)
    #expect(bad.gasLeft == 0)
    let short = try precompile(0x0d).run([UInt8](repeating: 0, count: 512), 599, .prague)
    #expect(short.gasLeft == 0)
  }

  @Test func pairingOfInfinities() throws {
    let result = try precompile(0x0f).run([UInt8](repeating: 0, count: 384), 100_000, .prague)
    #expect(result.gasLeft == 100_000 - 70300)
    #expect(result.output.last == 1)
  }

  @Test func p256InvalidReturnsEmptyAndCharges() throws {
    let result = try precompile(0x100).run([UInt8](repeating: 0, count: 160), 10_000, .osaka)
    #expect(result.gasLeft == 10_000 - 6900)
    #expect(result.output.isEmpty)
  }

  @Test func kzgRejectsWrongHash() throws {
    var input = [UInt8](repeating: 0, count: 192)
    input[96] = 0xc0
    input[144] = 0xc0
    let result = try precompile(0x0a).run(input, 60_000, .cancun)
    #expect(result.gasLeft == 0)
  }
}
