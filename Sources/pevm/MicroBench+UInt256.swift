import EVMPrimitives

/// SplitMix64, for reproducible benchmark operands.
private struct BenchRandom {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func word(limbs: Int = 4) -> UInt256 {
    UInt256(
      w0: next(), w1: limbs > 1 ? next() : 0, w2: limbs > 2 ? next() : 0,
      w3: limbs > 3 ? next() : 0)
  }
}

/// A ring of pre-generated operands, indexed without bounds checks.
private struct OperandRing {
  static let size = 1024
  let values: UnsafeMutablePointer<UInt256>

  init(_ make: () -> UInt256) {
    values = .allocate(capacity: Self.size)
    for i in 0..<Self.size { (values + i).initialize(to: make()) }
  }

  @inline(__always)
  subscript(i: Int) -> UInt256 { values[i & (Self.size - 1)] }

  func free() { values.deallocate() }
}

/// Folds a word into the benchmark sink.
@inline(__always)
private func consume(_ x: UInt256) {
  blackHole(x.w0 ^ x.w1 ^ x.w2 ^ x.w3)
}

/// UInt256 arithmetic throughput: the EVM's hot arithmetic opcodes.
func benchUInt256() -> [MicroBenchResult] {
  var rng = BenchRandom(state: 0xB0_0256)
  let a = OperandRing { rng.word() }
  let b = OperandRing { rng.word() }
  let m = OperandRing { rng.word() }
  let b128 = OperandRing { rng.word(limbs: 2) }
  let b64 = OperandRing { rng.word(limbs: 1) }
  defer {
    for ring in [a, b, m, b128, b64] { ring.free() }
  }

  var results: [MicroBenchResult] = []
  var acc = UInt256.zero
  var i = 0

  @inline(__always) func run(_ name: String, _ iterations: Int, _ op: (Int) -> UInt256) {
    acc = .zero
    i = 0
    results.append(
      measure(name, iterations: iterations) {
        acc = acc ^ op(i)
        i &+= 1
      })
    consume(acc)
  }

  run("uint256 add", 20_000_000) { a[$0] &+ b[$0] }
  run("uint256 mul", 10_000_000) { a[$0] &* b[$0] }
  run("uint256 mul full 512", 5_000_000) {
    let (h, l) = a[$0].multipliedFullWidth(by: b[$0])
    return h ^ l
  }
  run("uint256 div 256/256", 5_000_000) { a[$0].quotient(dividingBy: b[$0]) }
  run("uint256 div 256/128", 2_000_000) { a[$0].quotient(dividingBy: b128[$0]) }
  run("uint256 div 256/64", 2_000_000) { a[$0].quotient(dividingBy: b64[$0]) }
  run("uint256 sdiv", 2_000_000) { a[$0].signedQuotient(dividingBy: b128[$0]) }
  run("uint256 addmod", 2_000_000) { a[$0].addMod(b[$0], m[$0]) }
  run("uint256 mulmod", 1_000_000) { a[$0].mulMod(b[$0], m[$0]) }
  run("uint256 exp (256-bit exp)", 50_000) { a[$0].power(b[$0]) }
  run("uint256 shl/sar", 20_000_000) {
    a[$0].shiftedLeft(by: UInt256(UInt64($0 & 255))).arithmeticShiftedRight(by: UInt256(7))
  }
  return results
}
