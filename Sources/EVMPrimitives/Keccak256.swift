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
    if remaining == 32 || remaining == 64 {
      // One or two words (SHA3 over storage keys and mapping slots): the
      // lanes straight from memory and the padding set in place.
      state.a0 = KeccakState.lane(p, 0)
      state.a1 = KeccakState.lane(p, 1)
      state.a2 = KeccakState.lane(p, 2)
      state.a3 = KeccakState.lane(p, 3)
      if remaining == 32 {
        state.a4 = 0x01
      } else {
        state.a4 = KeccakState.lane(p, 4)
        state.a5 = KeccakState.lane(p, 5)
        state.a6 = KeccakState.lane(p, 6)
        state.a7 = KeccakState.lane(p, 7)
        state.a8 = 0x01
      }
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

  /// An incremental Keccak-256: bytes absorbed in pieces (no concatenation
  /// of a prefix with a long payload), digest at the end.
  public struct Hasher {
    var state = KeccakState()
    /// Bytes of the current block not absorbed yet.
    var pending = KeccakBlock()
    var pendingCount = 0

    public init() {}

    /// Absorbs `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
      guard var p = buffer.baseAddress else { return }
      var remaining = buffer.count
      if pendingCount > 0 {
        let take = min(remaining, Keccak256.rate - pendingCount)
        let used = pendingCount
        withUnsafeMutableBytes(of: &pending) { raw in
          (raw.baseAddress! + used).copyMemory(from: p, byteCount: take)
        }
        pendingCount += take
        p += take
        remaining -= take
        if pendingCount < Keccak256.rate { return }
        withUnsafeBytes(of: pending) { state.absorbBlock($0.baseAddress!) }
        keccakF1600(&state)
        pendingCount = 0
      }
      while remaining >= Keccak256.rate {
        state.absorbBlock(p)
        keccakF1600(&state)
        p += Keccak256.rate
        remaining -= Keccak256.rate
      }
      if remaining > 0 {
        withUnsafeMutableBytes(of: &pending) { raw in
          raw.baseAddress!.copyMemory(from: p, byteCount: remaining)
        }
        pendingCount = remaining
      }
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything absorbed.
    public consuming func finalize() -> Bytes32 {
      let used = pendingCount
      withUnsafeMutableBytes(of: &pending) { raw in
        for i in used..<Keccak256.rate { raw[i] = 0 }
        raw[used] ^= 0x01
        raw[Keccak256.rate - 1] ^= 0x80
      }
      withUnsafeBytes(of: pending) { state.absorbBlock($0.baseAddress!) }
      keccakF1600(&state)
      return state.digest
    }
  }

  /// Keccak-256 of the empty string:
  /// `c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470`.
  /// A constant (the tests check it against the hash of no bytes), so that
  /// reading it needs no one-time initialization: code paths compare every
  /// account's code hash with it.
  public static let emptyHash = Bytes32(
    b0: 0xc5d2_4601_86f7_233c, b1: 0x927e_7db2_dcc7_03c0, b2: 0xe500_b653_ca82_273b,
    b3: 0x7bfa_d804_5d85_a470)

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

  /// Lane `i` of the bytes at `p` (little-endian).
  @inline(__always)
  static func lane(_ p: UnsafeRawPointer, _ i: Int) -> UInt64 {
    UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
  }

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

/// Lanes stored complemented inside the permutation ("lane complementing",
/// pattern `bebigokimisa` of the Keccak team's implementation notes): with
/// these six lanes inverted, χ needs one NOT per row instead of five, because
/// `a ^ (~b & c)` turns into `a ^ (b | c)` or `a ^ (b & c)` for most lanes.
/// `KeccakState` always holds the true lanes; `keccakF1600` complements on
/// entry and exit.
extension KeccakState {
  @inline(__always)
  mutating func complementLanes() {
    a1 = ~a1
    a2 = ~a2
    a8 = ~a8
    a12 = ~a12
    a17 = ~a17
    a20 = ~a20
  }

  /// One round of θ, ρ, π, χ, ι on lanes held in the complemented form.
  ///
  /// θ's column parities `c` and the `d` mixed into each lane; then, row by
  /// row of the output, the five lanes that π moves into the row, rotated by
  /// ρ, and χ on them. Computing χ per row right after its five inputs keeps
  /// few values live, so the compiler spills less. The χ expressions (OR,
  /// AND, and where a NOT goes) follow from the complemented lanes going in
  /// and coming out; the test vectors pin them down.
  @inline(__always)
  mutating func round(_ rc: UInt64) {
    let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
    let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
    let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
    let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
    let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
    let d0 = c4 ^ rotl(c1, 1)
    let d1 = c0 ^ rotl(c2, 1)
    let d2 = c1 ^ rotl(c3, 1)
    let d3 = c2 ^ rotl(c4, 1)
    let d4 = c3 ^ rotl(c0, 1)
    // Row 0: lanes 0, 6, 12, 18, 24 after θ and ρ, moved here by π; then χ.
    let b0 = a0 ^ d0
    let b1 = rotl(a6 ^ d1, 44)
    let b2 = rotl(a12 ^ d2, 43)
    let b3 = rotl(a18 ^ d3, 21)
    let b4 = rotl(a24 ^ d4, 14)
    let n2 = ~b2
    let e0 = b0 ^ (b1 | b2)
    let e1 = b1 ^ (n2 | b3)
    let e2 = b2 ^ (b3 & b4)
    let e3 = b3 ^ (b4 | b0)
    let e4 = b4 ^ (b0 & b1)
    // Row 1: lanes 3, 9, 10, 16, 22 after θ and ρ, moved here by π; then χ.
    let b5 = rotl(a3 ^ d3, 28)
    let b6 = rotl(a9 ^ d4, 20)
    let b7 = rotl(a10 ^ d0, 3)
    let b8 = rotl(a16 ^ d1, 45)
    let b9 = rotl(a22 ^ d2, 61)
    let n9 = ~b9
    let e5 = b5 ^ (b6 | b7)
    let e6 = b6 ^ (b7 & b8)
    let e7 = b7 ^ (b8 | n9)
    let e8 = b8 ^ (b9 | b5)
    let e9 = b9 ^ (b5 & b6)
    // Row 2: lanes 1, 7, 13, 19, 20 after θ and ρ, moved here by π; then χ.
    let b10 = rotl(a1 ^ d1, 1)
    let b11 = rotl(a7 ^ d2, 6)
    let b12 = rotl(a13 ^ d3, 25)
    let b13 = rotl(a19 ^ d4, 8)
    let b14 = rotl(a20 ^ d0, 18)
    let n13 = ~b13
    let e10 = b10 ^ (b11 | b12)
    let e11 = b11 ^ (b12 & b13)
    let e12 = b12 ^ (n13 & b14)
    let e13 = n13 ^ (b14 | b10)
    let e14 = b14 ^ (b10 & b11)
    // Row 3: lanes 4, 5, 11, 17, 23 after θ and ρ, moved here by π; then χ.
    let b15 = rotl(a4 ^ d4, 27)
    let b16 = rotl(a5 ^ d0, 36)
    let b17 = rotl(a11 ^ d1, 10)
    let b18 = rotl(a17 ^ d2, 15)
    let b19 = rotl(a23 ^ d3, 56)
    let n18 = ~b18
    let e15 = b15 ^ (b16 & b17)
    let e16 = b16 ^ (b17 | b18)
    let e17 = b17 ^ (n18 | b19)
    let e18 = n18 ^ (b19 & b15)
    let e19 = b19 ^ (b15 | b16)
    // Row 4: lanes 2, 8, 14, 15, 21 after θ and ρ, moved here by π; then χ.
    let b20 = rotl(a2 ^ d2, 62)
    let b21 = rotl(a8 ^ d3, 55)
    let b22 = rotl(a14 ^ d4, 39)
    let b23 = rotl(a15 ^ d0, 41)
    let b24 = rotl(a21 ^ d1, 2)
    let n21 = ~b21
    let e20 = b20 ^ (n21 & b22)
    let e21 = n21 ^ (b22 | b23)
    let e22 = b22 ^ (b23 & b24)
    let e23 = b23 ^ (b24 | b20)
    let e24 = b24 ^ (b20 & b21)
    a0 = e0 ^ rc
    a1 = e1
    a2 = e2
    a3 = e3
    a4 = e4
    a5 = e5
    a6 = e6
    a7 = e7
    a8 = e8
    a9 = e9
    a10 = e10
    a11 = e11
    a12 = e12
    a13 = e13
    a14 = e14
    a15 = e15
    a16 = e16
    a17 = e17
    a18 = e18
    a19 = e19
    a20 = e20
    a21 = e21
    a22 = e22
    a23 = e23
    a24 = e24
  }
}

@inline(__always)
private func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { x &<< n | x &>> (64 &- n) }

/// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι on the lanes, two rounds per
/// loop iteration (the lanes then stay in registers across both), on a local
/// copy of the state.
@inline(never)
func keccakF1600(_ state: inout KeccakState) {
  var lanes = state
  lanes.complementLanes()
  var i = 0
  while i < 24 {
    lanes.round(keccakRoundConstants[i])
    lanes.round(keccakRoundConstants[i &+ 1])
    i &+= 2
  }
  lanes.complementLanes()
  state = lanes
}
