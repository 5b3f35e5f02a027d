import EVMPrimitives
import Testing

@testable import EVMCrypto

@Suite struct BN254Tests {
  private func check(
    _ key: String, _ run: ([UInt8]) throws(PrecompileError) -> [UInt8]
  ) throws -> (outputs: Int, rejections: Int) {
    let cases = try PrecompileVectors.load(key)
    #expect(cases.count >= 20)
    var outputs = 0
    var rejections = 0
    for c in cases {
      let label = Hex.encode(c.input)
      if let expected = c.output {
        #expect(throws: Never.self, "\(label)") {
          let out = try run(c.input)
          #expect(Hex.encode(out) == Hex.encode(expected), "\(label)")
        }
        outputs += 1
      } else {
        #expect(throws: PrecompileError.invalidInput, "\(label)") { try run(c.input) }
        rejections += 1
      }
    }
    print("\(key): \(outputs) outputs, \(rejections) rejections checked")
    return (outputs, rejections)
  }

  @Test func addVectors() throws {
    let counts = try check("bn254Add") { (input) throws(PrecompileError) in
      try BN254.add(input: input)
    }
    #expect(counts.outputs > 0 && counts.rejections > 0)
  }

  @Test func mulVectors() throws {
    let counts = try check("bn254Mul") { (input) throws(PrecompileError) in
      try BN254.mul(input: input)
    }
    #expect(counts.outputs > 0 && counts.rejections > 0)
  }

  @Test func pairingVectors() throws {
    let counts = try check("bn254Pairing") { (input) throws(PrecompileError) in
      try BN254.pairingCheck(input: input)
    }
    #expect(counts.outputs > 0 && counts.rejections > 0)
  }

  /// EIP-196: G1 generator (1, 2); 2·G computed both ways.
  @Test func generatorDoubling() throws {
    var g = [UInt8](repeating: 0, count: 64)
    g[31] = 1
    g[63] = 2
    let viaAdd = try BN254.add(input: g + g)
    var two = [UInt8](repeating: 0, count: 32)
    two[31] = 2
    let viaMul = try BN254.mul(input: g + two)
    #expect(viaAdd == viaMul)
    #expect(
      Hex.encode(viaAdd, prefix: false)
        == "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
        + "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4")
    #expect(try BN254.pairingCheck(input: []) == [UInt8](repeating: 0, count: 31) + [1])
    #expect(throws: PrecompileError.invalidInput) { try BN254.pairingCheck(input: [0]) }
  }

  @Test func gasSchedules() {
    #expect(BN254.addGas(fork: .byzantium) == 500)
    #expect(BN254.addGas(fork: .istanbul) == 150)
    #expect(BN254.mulGas(fork: .petersburg) == 40000)
    #expect(BN254.mulGas(fork: .osaka) == 6000)
    #expect(BN254.pairingGas(pairs: 0, fork: .byzantium) == 100_000)
    #expect(BN254.pairingGas(pairs: 2, fork: .byzantium) == 260_000)
    #expect(BN254.pairingGas(pairs: 0, fork: .istanbul) == 45000)
    #expect(BN254.pairingGas(pairs: 2, fork: .berlin) == 113_000)
    #expect(BN254.pairingGas(pairs: Int.max, fork: .berlin) == .max)
  }
}

/// Internal cross-checks of the fast paths against their direct definitions.
@Suite struct BN254InternalTests {
  /// The endomorphism-based G2 membership test agrees with `r * Q == O` on
  /// every twist point in the vectors (in and out of the subgroup) and on multiples of them.
  @Test func fastSubgroupCheckMatchesDefinition() throws {
    let cases = try PrecompileVectors.load("bn254Pairing")
    var checked = 0
    var outside = 0
    for c in cases where c.input.count >= 192 && c.input.count % 192 == 0 {
      for offset in stride(from: 64, to: c.input.count, by: 192) {
        let q = c.input.withUnsafeBufferPointer { bytes in
          try? BN254.decodeG2(bytes, at: offset)
        }
        guard let q, !(q.x.isZero && q.y.isZero) else { continue }
        let slow = BN254.isInG2SubgroupSlow(q)
        #expect(BN254.isInG2Subgroup(q) == slow)
        if !slow { outside += 1 }
        // 3Q stays in (or out of) the subgroup.
        let triple =
          (BN254.G2Point(affine: q).doubled() + BN254.G2Point(affine: q)).affine
        #expect(BN254.isInG2Subgroup(triple) == BN254.isInG2SubgroupSlow(triple))
        checked += 1
      }
    }
    print("G2 subgroup: \(checked) points checked, \(outside) outside the subgroup")
    #expect(checked > 10 && outside > 0)
  }

  /// Granger–Scott squaring equals plain squaring in the cyclotomic subgroup.
  @Test func cyclotomicSquaring() {
    let e = BN254.Fp2(BN254.Fp(small: 7), BN254.Fp(small: 3))
    let a = BN254.Fp12(
      BN254.Fp6(e, e.squared(), e + e), BN254.Fp6(e.doubled(), e, e.squared().squared()))
    var f = a.conjugate * a.inverse()
    f = f.frobenius2() * f
    #expect(f.cyclotomicSquared() == f.squared())
    #expect(f * f.conjugate == .one)
    #expect(a.frobenius().frobenius() == a.frobenius2())
    #expect(a.frobenius2().frobenius() == a.frobenius3())
  }
}
