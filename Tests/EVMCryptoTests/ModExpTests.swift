import EVMCrypto
import EVMPrimitives
import Testing

@Suite struct ModExpTests {
  @Test func specVectors() throws {
    let cases = try PrecompileVectors.load("modexp")
    #expect(cases.count >= 70)
    var outputs = 0
    for c in cases {
      let label = Hex.encode(c.input.prefix(100))
      #expect(
        ModExp.gas(input: c.input, fork: .byzantium) == c.gas("gasByzantium"), "\(label)")
      #expect(ModExp.gas(input: c.input, fork: .istanbul) == c.gas("gasByzantium"), "\(label)")
      #expect(ModExp.gas(input: c.input, fork: .berlin) == c.gas("gasBerlin"), "\(label)")
      #expect(ModExp.gas(input: c.input, fork: .prague) == c.gas("gasBerlin"), "\(label)")
      #expect(ModExp.gas(input: c.input, fork: .osaka) == c.gas("gasOsaka"), "\(label)")
      let within = c.fields["osakaWithinLimits"] as? Bool
      #expect(ModExp.isWithinLimits(input: c.input, fork: .osaka) == within, "\(label)")
      #expect(ModExp.isWithinLimits(input: c.input, fork: .prague))
      if c.hasOutput {
        let expected = try #require(c.output)
        #expect(Hex.encode(ModExp.run(input: c.input)) == Hex.encode(expected), "\(label)")
        outputs += 1
      }
    }
    print("modexp: \(cases.count) gas vectors (3 schedules), \(outputs) outputs checked")
  }

  /// EIP-198's worked example: 3^(p-2) mod p = 1 (Fermat) and 0^(p-2) mod p = 0.
  @Test func eip198Examples() throws {
    let lengths =
      "0000000000000000000000000000000000000000000000000000000000000001"
      + "0000000000000000000000000000000000000000000000000000000000000020"
      + "0000000000000000000000000000000000000000000000000000000000000020"
    let tail =
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"
      + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"
    let one = try #require(Hex.decode(lengths + "03" + tail))
    #expect(ModExp.run(input: one) == [UInt8](repeating: 0, count: 31) + [1])
    #expect(ModExp.gas(input: one, fork: .byzantium) == 13056)
    let zeroBaseLengths = try #require(Hex.decode(lengths))
    var zero = zeroBaseLengths
    zero[31] = 0
    zero += try #require(Hex.decode(tail))
    #expect(ModExp.run(input: zero) == [UInt8](repeating: 0, count: 32))
  }

  @Test func edgeSemantics() {
    func input(_ base: [UInt8], _ exp: [UInt8], _ mod: [UInt8]) -> [UInt8] {
      func len(_ n: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: 30) + [UInt8(n >> 8), UInt8(n & 0xff)]
      }
      return len(base.count) + len(exp.count) + len(mod.count) + base + exp + mod
    }
    #expect(ModExp.run(input: input([0], [0], [1])) == [0])  // 0^0 mod 1
    #expect(ModExp.run(input: input([0], [0], [7])) == [1])  // 0^0 mod 7
    #expect(ModExp.run(input: input([9], [1], [0, 0])) == [0, 0])  // mod 0
    #expect(ModExp.run(input: input([], [], [])) == [])
    #expect(ModExp.run(input: []) == [])
    #expect(ModExp.run(input: input([2], [10], [0x03, 0xe8])) == [0x00, 0x18])  // 1024 mod 1000
    // Lengths no gas could pay for: priced at the cap, never allocated.
    let huge = [UInt8](repeating: 0xff, count: 32) + [UInt8](repeating: 0xff, count: 64)
    #expect(ModExp.gas(input: huge, fork: .berlin) == .max)
    #expect(ModExp.run(input: huge) == [])
  }
}
