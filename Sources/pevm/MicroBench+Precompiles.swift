import EVMCrypto
import EVMPrimitives

/// Keeps benchmark results alive so the optimiser cannot drop the work.
private nonisolated(unsafe) var precompileSink: Int = 0

@inline(never)
private func consume(_ bytes: [UInt8]) { precompileSink &+= bytes.count &+ Int(bytes.last ?? 0) }

/// Micro-benchmarks of the precompile cores: MODEXP (2048-bit), alt_bn128
/// add, mul and a two-pair pairing check, BLAKE2 F (12 rounds).
func benchPrecompiles() -> [MicroBenchResult] {
  func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }
  func word(_ value: Int) -> [UInt8] {
    [UInt8](repeating: 0, count: 24)
      + (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
  }

  // MODEXP: 2048-bit base, exponent and (odd) modulus from a fixed LCG.
  var state: UInt64 = 0x9E37_79B9_7F4A_7C15
  func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
  }
  var modulus = bytes(256)
  modulus[0] |= 0x80
  modulus[255] |= 1
  let modexpInput = word(256) + word(256) + word(256) + bytes(256) + bytes(256) + modulus

  let g1 = hex(
    "0000000000000000000000000000000000000000000000000000000000000001"
      + "0000000000000000000000000000000000000000000000000000000000000002")
  let negG1 = hex(
    "0000000000000000000000000000000000000000000000000000000000000001"
      + "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45")
  let kG1 = hex(
    "14e2946f9ea29efcd6c8d3bc8ebce97aff2267495f19207d83a5a278b3d1b675"
      + "0d6d60e75a6a4aef02b7c664972665bbdfa16ef85493ca2cc449eea611b9ed31")
  let g2 = hex(
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
      + "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
      + "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
      + "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")
  let addInput = g1 + kG1
  let mulInput = kG1 + bytes(32)
  let pairingInput = g1 + g2 + negG1 + g2

  var blakeInput = hex(
    "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f"
      + "6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000000000"
      + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      + "000000000000000000000000000000000300000000000000000000000000000001")

  precondition((try? Blake2F.run(input: blakeInput)) != nil, "blake2f bench input rejected")
  precondition((try? BN254.add(input: addInput)) != nil, "bn254 add bench input rejected")
  precondition((try? BN254.mul(input: mulInput)) != nil, "bn254 mul bench input rejected")
  precondition(
    (try? BN254.pairingCheck(input: pairingInput))?.last == 1, "bn254 pairing bench input rejected")

  return [
    measure("precompile modexp 2048-bit", iterations: 20) {
      consume(ModExp.run(input: modexpInput))
    },
    measure("precompile bn254 add", iterations: 2000) {
      consume((try? BN254.add(input: addInput)) ?? [])
    },
    measure("precompile bn254 mul", iterations: 200) {
      consume((try? BN254.mul(input: mulInput)) ?? [])
    },
    measure("precompile bn254 pairing (2 pairs)", iterations: 10) {
      consume((try? BN254.pairingCheck(input: pairingInput)) ?? [])
    },
    measure("precompile blake2f 12 rounds", iterations: 20000) {
      // Vary one message byte so the call cannot be hoisted out of the loop.
      blakeInput[100] &+= 1
      consume((try? Blake2F.run(input: blakeInput)) ?? [])
    },
  ]
}
