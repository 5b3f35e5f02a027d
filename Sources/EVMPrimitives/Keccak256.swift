/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding
/// (domain byte `0x01`), not the FIPS-202 SHA3-256 padding (`0x06`).
///
/// The sponge state is 25 `UInt64` lanes held in a stack struct and the
/// permutation runs on local copies of the lanes with every step of a round
/// written out, so hashing allocates nothing and keeps the state in registers
/// as far as the target allows.
public enum Keccak256 {
  /// Bytes absorbed per permutation: 1088 bits of rate (capacity 512 bits).
  public static let rate = 136

  /// Keccak-256 of the bytes in `buffer`.
  public static func hash(_ buffer: UnsafeRawBufferPointer) -> Bytes32 {
    var state = KeccakState()
    var remaining = buffer.count
    guard var p = buffer.baseAddress, remaining > 0 else {
      state.a0 = 0x01
      state.a16 = 0x8000_0000_0000_0000
      keccakF1600(&state)
      return state.digest
    }
    while remaining >= rate {
      state.absorbBlock(p)
      keccakF1600(&state)
      p += rate
      remaining -= rate
    }
    // Last (possibly empty) partial block, padded with 0x01 … 0x80.
    var block = KeccakBlock()
    withUnsafeMutableBytes(of: &block) { raw in
      raw.baseAddress!.copyMemory(from: p, byteCount: remaining)
      raw[remaining] ^= 0x01
      raw[rate - 1] ^= 0x80
      state.absorbBlock(UnsafeRawPointer(raw.baseAddress!))
    }
    keccakF1600(&state)
    return state.digest
  }

  /// Keccak-256 of a byte collection; contiguous storage is hashed in place.
  @inlinable
  public static func hash<C: Collection>(_ bytes: C) -> Bytes32 where C.Element == UInt8 {
    if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
      return digest
    }
    return Array(bytes).withUnsafeBytes { hash($0) }
  }

  /// Keccak-256 of the 32 big-endian bytes of `word` (storage-trie keys).
  public static func hash(word: UInt256) -> Bytes32 {
    var state = KeccakState()
    state.a0 = word.w3.byteSwapped
    state.a1 = word.w2.byteSwapped
    state.a2 = word.w1.byteSwapped
    state.a3 = word.w0.byteSwapped
    state.a4 = 0x01
    state.a16 = 0x8000_0000_0000_0000
    keccakF1600(&state)
    return state.digest
  }

  /// Keccak-256 of the 32 bytes of `value`.
  public static func hash(_ value: Bytes32) -> Bytes32 {
    hash(word: value.word)
  }

  /// Keccak-256 of the 20 bytes of `address` (account-trie keys).
  public static func hash(address: Address) -> Bytes32 {
    var state = KeccakState()
    state.a0 = address.high.byteSwapped
    state.a1 = address.middle.byteSwapped
    state.a2 = UInt64(address.low.byteSwapped) | 0x01_0000_0000
    state.a16 = 0x8000_0000_0000_0000
    keccakF1600(&state)
    return state.digest
  }

  /// Keccak-256 of the empty string:
  /// `c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470`.
  public static let emptyHash = hash(UnsafeRawBufferPointer(start: nil, count: 0))

  /// Keccak-256 of the RLP empty list `0xc0` (the empty ommers hash):
  /// `1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347`.
  public static let emptyListHash = hash([0xc0] as [UInt8])
}

/// The 1600-bit sponge state, lane `x + 5y` in `a(x+5y)`.
@usableFromInline
struct KeccakState {
  var a0: UInt64 = 0
  var a1: UInt64 = 0
  var a2: UInt64 = 0
  var a3: UInt64 = 0
  var a4: UInt64 = 0
  var a5: UInt64 = 0
  var a6: UInt64 = 0
  var a7: UInt64 = 0
  var a8: UInt64 = 0
  var a9: UInt64 = 0
  var a10: UInt64 = 0
  var a11: UInt64 = 0
  var a12: UInt64 = 0
  var a13: UInt64 = 0
  var a14: UInt64 = 0
  var a15: UInt64 = 0
  var a16: UInt64 = 0
  var a17: UInt64 = 0
  var a18: UInt64 = 0
  var a19: UInt64 = 0
  var a20: UInt64 = 0
  var a21: UInt64 = 0
  var a22: UInt64 = 0
  var a23: UInt64 = 0
  var a24: UInt64 = 0

  @inline(__always)
  init() {}

  /// XORs one 136-byte block (17 little-endian lanes) at `p` into the state.
  @inline(__always)
  mutating func absorbBlock(_ p: UnsafeRawPointer) {
    self.a0 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    self.a1 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    self.a2 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    self.a3 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    self.a4 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
    self.a5 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
    self.a6 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
    self.a7 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
    self.a8 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 64, as: UInt64.self))
    self.a9 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 72, as: UInt64.self))
    self.a10 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 80, as: UInt64.self))
    self.a11 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
    self.a12 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 96, as: UInt64.self))
    self.a13 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 104, as: UInt64.self))
    self.a14 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 112, as: UInt64.self))
    self.a15 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
    self.a16 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 128, as: UInt64.self))
  }

  /// The first 32 bytes of the state.
  @inline(__always)
  var digest: Bytes32 {
    Bytes32(b0: a0.byteSwapped, b1: a1.byteSwapped, b2: a2.byteSwapped, b3: a3.byteSwapped)
  }
}

/// One rate-sized block on the stack, for the padded final block.
struct KeccakBlock {
  var lanes:
    (
      UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
      UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// The round constants of Keccak-f[1600] (ι step).
private let keccakRoundConstants: [UInt64] = [
  0x0000_0000_0000_0001,
  0x0000_0000_0000_8082,
  0x8000_0000_0000_808a,
  0x8000_0000_8000_8000,
  0x0000_0000_0000_808b,
  0x0000_0000_8000_0001,
  0x8000_0000_8000_8081,
  0x8000_0000_0000_8009,
  0x0000_0000_0000_008a,
  0x0000_0000_0000_0088,
  0x0000_0000_8000_8009,
  0x0000_0000_8000_000a,
  0x0000_0000_8000_808b,
  0x8000_0000_0000_008b,
  0x8000_0000_0000_8089,
  0x8000_0000_0000_8003,
  0x8000_0000_0000_8002,
  0x8000_0000_0000_0080,
  0x0000_0000_0000_800a,
  0x8000_0000_8000_000a,
  0x8000_0000_8000_8081,
  0x8000_0000_0000_8080,
  0x0000_0000_8000_0001,
  0x8000_0000_8000_8008,
]

/// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι on the lanes.
@inline(never)
func keccakF1600(_ state: inout KeccakState) {
  var a0 = state.a0
  var a1 = state.a1
  var a2 = state.a2
  var a3 = state.a3
  var a4 = state.a4
  var a5 = state.a5
  var a6 = state.a6
  var a7 = state.a7
  var a8 = state.a8
  var a9 = state.a9
  var a10 = state.a10
  var a11 = state.a11
  var a12 = state.a12
  var a13 = state.a13
  var a14 = state.a14
  var a15 = state.a15
  var a16 = state.a16
  var a17 = state.a17
  var a18 = state.a18
  var a19 = state.a19
  var a20 = state.a20
  var a21 = state.a21
  var a22 = state.a22
  var a23 = state.a23
  var a24 = state.a24
  for round in 0..<24 {
    let rc = keccakRoundConstants[round]
    do {
      let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
      let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
      let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
      let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
      let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
      let d0 = c4 ^ (c1 &<< 1 | c1 &>> 63)
      let d1 = c0 ^ (c2 &<< 1 | c2 &>> 63)
      let d2 = c1 ^ (c3 &<< 1 | c3 &>> 63)
      let d3 = c2 ^ (c4 &<< 1 | c4 &>> 63)
      let d4 = c3 ^ (c0 &<< 1 | c0 &>> 63)
      let b0 = (a0 ^ d0)
      let t1 = (a6 ^ d1)
      let b1 = t1 &<< 44 | t1 &>> 20
      let t2 = (a12 ^ d2)
      let b2 = t2 &<< 43 | t2 &>> 21
      let t3 = (a18 ^ d3)
      let b3 = t3 &<< 21 | t3 &>> 43
      let t4 = (a24 ^ d4)
      let b4 = t4 &<< 14 | t4 &>> 50
      let t5 = (a3 ^ d3)
      let b5 = t5 &<< 28 | t5 &>> 36
      let t6 = (a9 ^ d4)
      let b6 = t6 &<< 20 | t6 &>> 44
      let t7 = (a10 ^ d0)
      let b7 = t7 &<< 3 | t7 &>> 61
      let t8 = (a16 ^ d1)
      let b8 = t8 &<< 45 | t8 &>> 19
      let t9 = (a22 ^ d2)
      let b9 = t9 &<< 61 | t9 &>> 3
      let t10 = (a1 ^ d1)
      let b10 = t10 &<< 1 | t10 &>> 63
      let t11 = (a7 ^ d2)
      let b11 = t11 &<< 6 | t11 &>> 58
      let t12 = (a13 ^ d3)
      let b12 = t12 &<< 25 | t12 &>> 39
      let t13 = (a19 ^ d4)
      let b13 = t13 &<< 8 | t13 &>> 56
      let t14 = (a20 ^ d0)
      let b14 = t14 &<< 18 | t14 &>> 46
      let t15 = (a4 ^ d4)
      let b15 = t15 &<< 27 | t15 &>> 37
      let t16 = (a5 ^ d0)
      let b16 = t16 &<< 36 | t16 &>> 28
      let t17 = (a11 ^ d1)
      let b17 = t17 &<< 10 | t17 &>> 54
      let t18 = (a17 ^ d2)
      let b18 = t18 &<< 15 | t18 &>> 49
      let t19 = (a23 ^ d3)
      let b19 = t19 &<< 56 | t19 &>> 8
      let t20 = (a2 ^ d2)
      let b20 = t20 &<< 62 | t20 &>> 2
      let t21 = (a8 ^ d3)
      let b21 = t21 &<< 55 | t21 &>> 9
      let t22 = (a14 ^ d4)
      let b22 = t22 &<< 39 | t22 &>> 25
      let t23 = (a15 ^ d0)
      let b23 = t23 &<< 41 | t23 &>> 23
      let t24 = (a21 ^ d1)
      let b24 = t24 &<< 2 | t24 &>> 62
      a0 = b0 ^ (~b1 & b2)
      a1 = b1 ^ (~b2 & b3)
      a2 = b2 ^ (~b3 & b4)
      a3 = b3 ^ (~b4 & b0)
      a4 = b4 ^ (~b0 & b1)
      a5 = b5 ^ (~b6 & b7)
      a6 = b6 ^ (~b7 & b8)
      a7 = b7 ^ (~b8 & b9)
      a8 = b8 ^ (~b9 & b5)
      a9 = b9 ^ (~b5 & b6)
      a10 = b10 ^ (~b11 & b12)
      a11 = b11 ^ (~b12 & b13)
      a12 = b12 ^ (~b13 & b14)
      a13 = b13 ^ (~b14 & b10)
      a14 = b14 ^ (~b10 & b11)
      a15 = b15 ^ (~b16 & b17)
      a16 = b16 ^ (~b17 & b18)
      a17 = b17 ^ (~b18 & b19)
      a18 = b18 ^ (~b19 & b15)
      a19 = b19 ^ (~b15 & b16)
      a20 = b20 ^ (~b21 & b22)
      a21 = b21 ^ (~b22 & b23)
      a22 = b22 ^ (~b23 & b24)
      a23 = b23 ^ (~b24 & b20)
      a24 = b24 ^ (~b20 & b21)
      a0 ^= rc
    }
  }
  state.a0 = a0
  state.a1 = a1
  state.a2 = a2
  state.a3 = a3
  state.a4 = a4
  state.a5 = a5
  state.a6 = a6
  state.a7 = a7
  state.a8 = a8
  state.a9 = a9
  state.a10 = a10
  state.a11 = a11
  state.a12 = a12
  state.a13 = a13
  state.a14 = a14
  state.a15 = a15
  state.a16 = a16
  state.a17 = a17
  state.a18 = a18
  state.a19 = a19
  state.a20 = a20
  state.a21 = a21
  state.a22 = a22
  state.a23 = a23
  state.a24 = a24
}
