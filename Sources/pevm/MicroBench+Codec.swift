import EVMPrimitives

/// Keeps a value alive so that benchmarked work is not optimised away.
@inline(never)
func codecBlackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

extension MicroBenchResult {
  /// Throughput in MB/s (10^6 bytes) for an operation over `bytesPerOp` bytes.
  func megabytesPerSecond(bytesPerOp: Int) -> Double {
    Double(bytesPerOp) / nsPerOp * 1e3
  }
}

/// The fields of a legacy (pre-EIP-2718) ERC-20 `transfer` transaction, signed.
struct SampleLegacyTransaction {
  let to = Address(hex: "0xdac17f958d2ee523a2206206994597c13d831ec7")!
  let data: [UInt8] =
    [0xa9, 0x05, 0x9c, 0xbb]  // transfer(address,uint256)
    + [UInt8](repeating: 0, count: 12) + (1...20).map { UInt8($0) }
    + UInt256(1_000_000).bigEndianBytes
  let r = Keccak256.hash(word: UInt256(1)).word
  let s = Keccak256.hash(word: UInt256(2)).word

  /// The transaction's RLP encoding.
  func encoded() -> [UInt8] {
    var encoder = RLPEncoder(reservingCapacity: 192)
    encoder.appendList { tx in
      tx.append(UInt64(0x1234))  // nonce
      tx.append(UInt256(30_000_000_000))  // gas price
      tx.append(UInt64(65_000))  // gas limit
      tx.append(to)
      tx.append(UInt256.zero)  // value
      tx.append(bytes: data)
      tx.append(UInt64(37))  // v (EIP-155, chain 1)
      tx.append(r)
      tx.append(s)
    }
    return encoder.bytes
  }
}

/// Codec micro-benchmarks: Keccak-256 throughput, legacy transaction RLP
/// decoding and a 10,000-entry trie root.
func benchCodec() -> [MicroBenchResult] {
  var results: [MicroBenchResult] = []

  // Keccak-256 on 32 B, 136 B (one block of rate + padding block) and 1 MiB.
  for (label, size, iterations) in [
    ("32B", 32, 200_000), ("136B", 136, 100_000), ("1MiB", 1 << 20, 20),
  ] {
    let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let result = input.withUnsafeBytes { buffer in
      measure("keccak256 \(label)", iterations: iterations) {
        codecBlackHole(Keccak256.hash(buffer))
      }
    }
    results.append(result)
  }
  results.append(
    measure("keccak256 word", iterations: 200_000) {
      codecBlackHole(Keccak256.hash(word: UInt256(12345)))
    })

  // RLP decode of a legacy transaction: every field read with its typed reader.
  let sample = SampleLegacyTransaction()
  let transaction = sample.encoded()
  results.append(
    measure("rlp decode legacy tx", iterations: 200_000) {
      do {
        var outer = RLPReader(transaction)
        var tx = try outer.readList()
        try outer.finish()
        let nonce = try tx.readUInt64()
        let gasPrice = try tx.readUInt256()
        let gas = try tx.readUInt64()
        let to = try tx.readAddress()
        let value = try tx.readUInt256()
        let data = try tx.readBytes()
        let v = try tx.readUInt64()
        let r = try tx.readUInt256()
        let s = try tx.readUInt256()
        try tx.finish()
        codecBlackHole((nonce, gasPrice, gas, to, value, data, v, r, s))
      } catch {
        fatalError("benchmark transaction failed to decode: \(error)")
      }
    })
  results.append(
    measure("rlp encode legacy tx", iterations: 200_000) {
      codecBlackHole(sample.encoded())
    })

  // Trie root of 10,000 random 32-byte keys with 70-byte values.
  let pairs = (0..<10_000).map { i -> (key: [UInt8], value: [UInt8]) in
    let key = Keccak256.hash(word: UInt256(UInt64(i))).bytes
    let value = (0..<70).map { UInt8(truncatingIfNeeded: i &+ $0) }
    return (key: key, value: value)
  }
  results.append(
    measure("trie root 10k x 70B", iterations: 5) {
      codecBlackHole(MerklePatriciaTrie.root(pairs))
    })
  return results
}
