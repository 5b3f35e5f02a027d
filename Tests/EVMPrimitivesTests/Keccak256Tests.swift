import EVMPrimitives
import Testing

/// Vectors computed with pycryptodome's `Crypto.Hash.keccak` (Keccak-256, padding 0x01).
@Suite struct Keccak256Tests {
  /// `(i * 7 + 3) & 0xff` for `i` in `0..<n`, the pattern the vectors below were computed on.
  static func pattern(_ n: Int) -> [UInt8] {
    (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
  }

  static let patternVectors: [(Int, String)] = [
    (1, "69c322e3248a5dfc29d73c5b0553b0185a35cd5bb6386747517ef7e53b15e287"),
    (31, "8522dc30be01c01348c0591309ac2948c9ae4ce02facbb745f85a5297286d3dd"),
    (32, "04d1b47ed3b04c5ff6a0280293cb2ab55bd297c9c2e0c3449831b419285d7df2"),
    (33, "6aa134a68136f6d487895406a25cc734a9b20cb805cd09b7c1dcb29bcd490fe6"),
    (63, "48d8e506b57c81c8257a8e1da7f04610191ef05bf96fa9dc4fb9bca39bbed2c6"),
    (64, "0251cf13aa5b18f1cbda7cddbe85f3dc536fc93df590c2d20ca9b28af1ed2c39"),
    (65, "b3ee368701a0d7056be60b0a489e173d9dc8621640d734693858e846d30c3f65"),
    (135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"),
    (136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"),
    (137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"),
    (200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0"),
    (271, "4401c4afbe16ff911bdbf2d38e556e5b861f3fdf0f9d4306b1c46f6ae4f73584"),
    (272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"),
    (273, "16192ea86793083e47731cb3c970600f04768414d92bc0540e54ce8607a0fce0"),
    (1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"),
    (100_000, "42350b8598669d17e07ef0f32083916166e0310d9faf2859dde1377b1d50826c"),
  ]

  @Test func emptyAndConstants() {
    let empty = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    #expect(Keccak256.hash([UInt8]()).description == empty)
    #expect(Keccak256.emptyHash.description == empty)
    #expect(
      Keccak256.emptyListHash.description
        == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
  }

  @Test func abc() {
    #expect(
      Keccak256.hash(Array("abc".utf8)).description
        == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    // A non-contiguous collection takes the copying path.
    #expect(Keccak256.hash("abc".utf8.reversed().reversed()) == Keccak256.hash(Array("abc".utf8)))
  }

  @Test(arguments: patternVectors)
  func blockBoundaries(length: Int, expected: String) {
    let data = Self.pattern(length)
    #expect(Keccak256.hash(data).description == "0x" + expected)
    // Unaligned input: hash a slice starting one byte into a buffer.
    let shifted = [0xff] + data
    #expect(Keccak256.hash(shifted[1...]).description == "0x" + expected)
  }

  @Test func wordAndAddressShortcuts() throws {
    let wordBytes = (1...32).map { UInt8($0) }
    let word = UInt256(bigEndian: wordBytes)
    let expectedWord = "0x52b3f53ff196a28e7d2d01283ef9427070bda64128fb5630b97b6ab17a8ff0a8"
    #expect(Keccak256.hash(word: word).description == expectedWord)
    #expect(Keccak256.hash(Bytes32(word: word)).description == expectedWord)
    #expect(Keccak256.hash(wordBytes).description == expectedWord)

    let addressBytes = (0xa0..<0xb4).map { UInt8($0) }
    let address = Address(bytes: addressBytes)
    let expectedAddress = "0x16a73d297a0d8b25b0b940e4994a741032437880555e55020e37bb270d56b371"
    #expect(Keccak256.hash(address: address).description == expectedAddress)
    #expect(Keccak256.hash(addressBytes).description == expectedAddress)
  }
}

/// The incremental hasher gives the one-shot digest however the input is cut.
@Suite struct KeccakHasherTests {
  @Test func anySplitGivesTheSameDigest() {
    for length in [0, 1, 31, 135, 136, 137, 271, 272, 273, 1000] {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
      let expected = Keccak256.hash(bytes)
      for cut in Set([0, 1, length / 3, length / 2, max(0, length - 1), length]) where cut <= length
      {
        var hasher = Keccak256.Hasher()
        hasher.update(Array(bytes[..<cut]))
        hasher.update(Array(bytes[cut...]))
        #expect(hasher.finalize() == expected, "length \(length), cut \(cut)")
      }
      // Byte by byte.
      var hasher = Keccak256.Hasher()
      for byte in bytes { hasher.update([byte]) }
      #expect(hasher.finalize() == expected, "length \(length), byte by byte")
    }
  }
}
