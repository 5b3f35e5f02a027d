import EVMCrypto
import EVMPrimitives

/// Keeps a value alive so the optimiser cannot drop the computation producing it.
@inline(never)
private func consumeBLSResult<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

/// Micro-benchmarks for the Cancun–Osaka cryptographic precompiles (pure
/// functions, gas accounting excluded): KZG point evaluation (a c-kzg
/// `correct_proof` case), BLS12-381 G1 MSM over 128 points, the BLS12-381
/// pairing check with two pairs, and P256VERIFY of a valid signature.
func benchBLS() -> [MicroBenchResult] {
  var results: [MicroBenchResult] = []

  // KZG: verify_kzg_proof_case_correct_proof_2_3 of the c-kzg tests.
  let commitment = Hex.decode(
    "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06"
  )!
  let z = Hex.decode("5eb7004fe57383e6c88b99d839937fddf3f99279353aaf8d5c9a75f91ce33c62")!
  let y = Hex.decode("5ee1e9a4a06a02ca6ea14b0ca73415a8ba0fba888f18dde56df499b480d4b9e0")!
  let proof = Hex.decode(
    "a1fcd37a924af9ec04143b44853c26f6b0738f6e15a3e0755057e7d5460406c7e148adb0e2d608982140d0ae42fe0b3b"
  )!
  var versioned = SHA256Digest.hash(commitment).bytes
  versioned[0] = 0x01
  let kzgInput = versioned + z + y + commitment + proof
  guard (try? KZGPointEvaluation.run(input: kzgInput)) != nil else {
    fatalError("benchBLS: the KZG sample does not verify")
  }
  results.append(
    measure("KZG point evaluation (0x0a)", iterations: 20) {
      consumeBLSResult(try? KZGPointEvaluation.run(input: kzgInput))
    })

  // G1 MSM: 128 subgroup points (images of MAP_FP_TO_G1) and 256-bit scalars.
  var msmInput: [UInt8] = []
  var seed: UInt64 = 0x243f_6a88_85a3_08d3
  func next() -> UInt64 {
    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return seed
  }
  func word(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
  }
  func fieldElement() -> [UInt8] {
    [UInt8](repeating: 0, count: 24) + word(next() >> 8) + word(next()) + word(next())
      + word(next()) + word(next())
  }
  for _ in 0..<128 {
    guard let point = try? BLS12381.mapFpToG1(input: fieldElement()) else {
      fatalError("benchBLS: map to G1 failed")
    }
    msmInput += point + word(next()) + word(next()) + word(next()) + word(next())
  }
  results.append(
    measure("BLS12-381 G1 MSM, 128 points (0x0c)", iterations: 5) {
      consumeBLSResult(try? BLS12381.g1MSM(input: msmInput))
    })

  // Pairing check with two pairs of subgroup points.
  var pairingInput: [UInt8] = []
  for _ in 0..<2 {
    guard let p = try? BLS12381.mapFpToG1(input: fieldElement()),
      let q = try? BLS12381.mapFp2ToG2(input: fieldElement() + fieldElement())
    else { fatalError("benchBLS: map failed") }
    pairingInput += p + q
  }
  results.append(
    measure("BLS12-381 pairing check, 2 pairs (0x0f)", iterations: 20) {
      consumeBLSResult(try? BLS12381.pairingCheck(input: pairingInput))
    })

  // P256VERIFY: a valid Wycheproof signature (eip-7951 vector #1).
  let p256Input = Hex.decode(
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca6050232ba3a8be6b94d5ec80a6d9d1190a436e"
      + "ffe50d85a1eee859b8cc6af9bd5c2e184cd60b855d442f5b3c7b11eb6c4e0ae7525fe710fab9aa7c77a67f79e6fadd76"
      + "2927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f460"
      + "6766b3d9685001558d1a974e7341513e")!
  guard P256Verify.verify(input: p256Input) else {
    fatalError("benchBLS: P256 sample does not verify")
  }
  results.append(
    measure("P256VERIFY (0x100)", iterations: 500) {
      consumeBLSResult(P256Verify.run(input: p256Input))
    })
  return results
}
