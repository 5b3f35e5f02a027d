import COpenSSL
import EVMPrimitives

/// RIPEMD-160, for the `RIPEMD160` precompile.
///
/// Computed through OpenSSL's EVP interface (`EVP_Digest` with
/// `EVP_ripemd160()`), the non-deprecated path in OpenSSL 3; OpenSSL 3.0
/// provides RIPEMD-160 in its default provider. `EVP_Digest` uses a fresh
/// digest context per call, so it is thread-safe.
public enum RIPEMD160Digest {
  /// The 20-byte RIPEMD-160 digest of `bytes`.
  public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    var empty: UInt8 = 0
    let ok = digest.withUnsafeMutableBufferPointer { out in
      if let base = bytes.baseAddress {
        return EVP_Digest(base, bytes.count, out.baseAddress, &length, EVP_ripemd160(), nil)
      }
      return EVP_Digest(&empty, 0, out.baseAddress, &length, EVP_ripemd160(), nil)
    }
    precondition(ok == 1 && length == 20, "OpenSSL RIPEMD-160 unavailable")
    return Array(digest[0..<20])
  }

  /// The 20-byte RIPEMD-160 digest of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBytes { hash($0) }
  }

  /// The 20-byte RIPEMD-160 digest of `bytes`.
  public static func hash(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    bytes.withUnsafeBytes { hash($0) }
  }
}
