/// Cryptographic primitives the EVM needs beyond Keccak: secp256k1 recovery,
/// SHA-256, RIPEMD-160 and the precompiles' curve and big-number arithmetic.
/// One file per primitive.
public enum EVMCrypto {}
