import COpenSSL
import EVMPrimitives

/// SHA-256 (FIPS 180-4), for the `SHA256` precompile and EIP-4844 versioned
/// hashes. Backed by OpenSSL's one-shot `SHA256`, which is thread-safe.
public enum SHA256Digest {
  /// The SHA-256 digest of `bytes`.
  public static func hash(_ bytes: UnsafeRawBufferPointer) -> Bytes32 {
    var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    return withUnsafeMutableBytes(of: &digest) { out in
      let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
      let outBase = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
      if let base {
        _ = SHA256(base, bytes.count, outBase)
      } else {
        var empty: UInt8 = 0
        _ = SHA256(&empty, 0, outBase)
      }
      return Bytes32(pointer: out.baseAddress!)
    }
  }

  /// The SHA-256 digest of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> Bytes32 {
    bytes.withUnsafeBytes { hash($0) }
  }

  /// The SHA-256 digest of `bytes`.
  public static func hash(_ bytes: ArraySlice<UInt8>) -> Bytes32 {
    bytes.withUnsafeBytes { hash($0) }
  }
}
