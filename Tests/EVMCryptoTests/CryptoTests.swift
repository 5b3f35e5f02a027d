import EVMCrypto
import EVMPrimitives
import Testing

@Suite struct HashTests {
  @Test func sha256KnownVectors() {
    #expect(
      SHA256Digest.hash(Array("abc".utf8)).description
        == "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256Digest.hash([UInt8]()).description
        == "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = [UInt8](repeating: 0x61, count: 1_000)
    #expect(
      SHA256Digest.hash(long[...]).description
        == "0x41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  @Test func ripemd160KnownVectors() {
    #expect(
      Hex.encode(RIPEMD160Digest.hash(Array("abc".utf8)))
        == "0x8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")
    #expect(
      Hex.encode(RIPEMD160Digest.hash([UInt8]()))
        == "0x9c1185a5c5e9fc54612808977ee8f548b2258d31")
  }
}

@Suite struct Secp256k1Tests {
  // Private key 0x4646…46 signs keccak256("hello pevm"); values from coincurve.
  let hash = Bytes32(hex: "05c52fc41c05d1c53ab7a434e522d6f682e37b23a48f6b5209f3a9e9a04dfa30")!
  let r = UInt256(hex: "d2535cc7e9efb66bc88947610c7edf61ed136fca11db39c41f6edc1f6900efeb")!
  let s = UInt256(hex: "21a0e0e9610a9a84e5a0cdac7dec13abf06e3c124907fec59a8e680d2c65febc")!
  let signer = Address(hex: "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")!

  @Test func curveConstants() {
    #expect(
      Secp256k1.n.hexWord
        == "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    #expect(
      Secp256k1.halfN.hexWord
        == "0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
  }

  @Test func recoversKnownSigner() {
    #expect(Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: 1) == signer)
    // The other parity recovers a different key.
    let other = Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: 0)
    #expect(other != nil && other != signer)
  }

  @Test func ecrecoverPrecompileVector() {
    // The classic ECRECOVER precompile input (v = 28) from the state tests.
    let h = Bytes32(hex: "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c")!
    let r = UInt256(hex: "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f")!
    let s = UInt256(hex: "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549")!
    #expect(
      Secp256k1.recoverAddress(hash: h, r: r, s: s, recoveryId: 1)
        == Address(hex: "a94f5374fce5edbc8e2a8697c15331677e6ebf0b"))
  }

  @Test func rejectsInvalidSignatures() {
    #expect(Secp256k1.recoverAddress(hash: hash, r: .zero, s: s, recoveryId: 1) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: r, s: .zero, recoveryId: 1) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: Secp256k1.n, s: s, recoveryId: 1) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: r, s: Secp256k1.n, recoveryId: 1) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: .max, s: .max, recoveryId: 0) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: 4) == nil)
    #expect(Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: -1) == nil)
    // x = 5 is not the x-coordinate of a curve point (5³ + 7 = 132 is a non-residue mod p).
    #expect(Secp256k1.recoverAddress(hash: hash, r: 5, s: s, recoveryId: 0) == nil)
  }

  @Test func signThenRecover() throws {
    let key = [UInt8](repeating: 0x46, count: 32)
    let signature = try #require(Secp256k1.sign(hash: hash, privateKey: key))
    #expect(signature.r == r && signature.s == s && signature.recoveryId == 1)
    #expect(Secp256k1.address(privateKey: key) == signer)
    #expect(Secp256k1.sign(hash: hash, privateKey: [UInt8](repeating: 0, count: 32)) == nil)
  }
}
