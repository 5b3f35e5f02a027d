// Cross-checks of the internal BLS12-381 shortcuts against their slow
// definitions. Needs `@testable` access, so only in debug builds.
#if DEBUG
  @testable import EVMCrypto
  import Testing

  @Suite struct BLS12381InternalTests {
    typealias B = BLS12381

    /// Points on the curves but (mostly) outside the subgroups: isogeny
    /// images before cofactor clearing.
    func rawG1(_ seed: UInt64) -> B.G1Point {
      let p = B.simplifiedSWU(B.Fp(small: seed), a: B.swuG1A, b: B.swuG1B, z: B.swuG1Z)
      return B.isogeny(
        p, xNum: B.iso11XNum, xDen: B.iso11XDen, yNum: B.iso11YNum, yDen: B.iso11YDen)
    }

    func rawG2(_ seed: UInt64) -> B.G2Point {
      let u = B.Fp2(B.Fp(small: seed), B.Fp(small: seed &* 7 &+ 3))
      let p = B.simplifiedSWU(u, a: B.swuG2A, b: B.swuG2B, z: B.swuG2Z)
      return B.isogeny(p, xNum: B.iso3XNum, xDen: B.iso3XDen, yNum: B.iso3YNum, yDen: B.iso3YDen)
    }

    @Test func subgroupChecksAgreeWithOrder() {
      let g1 = B.G1Point(affine: B.g1Generator)
      let g2 = B.G2Point(affine: B.g2Generator)
      #expect(B.isInG1Subgroup(g1) && B.isInSubgroupByOrder(g1))
      #expect(B.isInG2Subgroup(g2) && B.isInSubgroupByOrder(g2))
      for seed: UInt64 in 1...6 {
        let p = rawG1(seed)
        #expect(B.isOnG1Curve(p.affine))
        #expect(B.isInG1Subgroup(p) == B.isInSubgroupByOrder(p))
        #expect(!B.isInG1Subgroup(p))
        let cleared = B.mapToG1(B.Fp(small: seed))
        #expect(B.isInG1Subgroup(cleared) && B.isInSubgroupByOrder(cleared))
        let q = rawG2(seed)
        #expect(B.isOnG2Curve(q.affine))
        #expect(B.isInG2Subgroup(q) == B.isInSubgroupByOrder(q))
        #expect(!B.isInG2Subgroup(q))
        let cleared2 = B.mapToG2(B.Fp2(B.Fp(small: seed), B.Fp(small: 5)))
        #expect(B.isInG2Subgroup(cleared2) && B.isInSubgroupByOrder(cleared2))
      }
    }

    @Test func cyclotomicSquaring() {
      let f = B.millerLoop([(p: B.g1Generator, q: B.g2Generator)])
      let g = f.easyPartOfFinalExponentiation()
      #expect(g.cyclotomicSquared() == g.squared())
      #expect(g * g.conjugate == .one)
    }

    @Test func bilinearity() {
      let g1 = B.G1Point(affine: B.g1Generator)
      let g2 = B.G2Point(affine: B.g2Generator)
      let a: [UInt64] = [12345, 0, 0, 1]
      let b: [UInt64] = [99, 7, 0, 0]
      let ab = g1.multiplied(by: a).multiplied(by: b).affine
      // e(a b G1, G2) · e(-a G1, b G2) == 1; e(G1, G2) != 1.
      let pairs = [
        (p: ab, q: g2.affine),
        (p: (-g1.multiplied(by: a)).affine, q: g2.multiplied(by: b).affine),
      ]
      #expect(B.pairingProductIsOne(pairs))
      #expect(!B.pairingProductIsOne([(p: g1.affine, q: g2.affine)]))
    }

    @Test func msmMatchesNaive() {
      let g1 = B.G1Point(affine: B.g1Generator)
      var points: [(x: B.Fp, y: B.Fp)] = []
      var scalars: [[UInt64]] = []
      var naive = B.G1Point.infinity
      var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
      for i in 0..<40 {
        let p = g1.multiplied(by: [UInt64(i + 2)]).affine
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let k: [UInt64] = [seed, seed >> 3, seed &* 31, seed | 1 << 63]
        points.append(p)
        scalars.append(k)
        naive = naive + B.G1Point(affine: p).multiplied(by: k)
      }
      #expect(B.multiScalarMultiply(points, scalars).isEqual(to: naive))
    }

    /// msm_G2_bls.json is absent from the shared vectors: G2 Pippenger against
    /// the sum of single multiplications, through the public entry point too.
    @Test func g2MSMMatchesNaive() throws {
      let g2 = B.G2Point(affine: B.g2Generator)
      var points: [(x: B.Fp2, y: B.Fp2)] = []
      var scalars: [[UInt64]] = []
      var naive = B.G2Point.infinity
      var input: [UInt8] = []
      var seed: UInt64 = 0x0123_4567_89ab_cdef
      for i in 0..<12 {
        let q = g2.multiplied(by: [UInt64(3 * i + 1)]).affine
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let k: [UInt64] = [seed, seed >> 5, seed &* 17, seed >> 1]
        points.append(q)
        scalars.append(k)
        naive = naive + B.G2Point(affine: q).multiplied(by: k)
        input += B.encodeG2(B.G2Point(affine: q))
        for limb in k.reversed() {
          for j in 0..<8 { input.append(UInt8(truncatingIfNeeded: limb >> (56 - 8 * UInt64(j)))) }
        }
      }
      #expect(B.multiScalarMultiply(points, scalars).isEqual(to: naive))
      #expect(try B.g2MSM(input: input) == B.encodeG2(naive))
    }
  }
#endif
