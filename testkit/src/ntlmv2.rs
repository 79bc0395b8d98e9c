//! An NTLMv2 answer checked from the known password, independently of
//! `sspi` (whose server side checks the password only through the MIC,
//! which a client may leave out): the NTProofStr of the authentication
//! message (Type 3) recomputed from the server's challenge (Type 2), the
//! user and domain the client sent, and the password ([MS-NLMP] 3.3.2).
//! A 24-byte answer (NTLMv1) never matches.

use hmac::{Hmac, KeyInit, Mac};
use md4::{Digest, Md4};
use md5::Md5;

/// Whether `authenticate` answers `challenge` with `password`.
pub fn answer_matches(challenge: &[u8], authenticate: &[u8], password: &str) -> bool {
    let Some(server_challenge) = challenge.get(24..32) else {
        return false;
    };
    let (Some(response), Some(domain), Some(user)) = (
        field(authenticate, 20),
        field(authenticate, 28),
        field(authenticate, 36),
    ) else {
        return false;
    };
    if response.len() <= 24 {
        return false;
    }
    let (proof, blob) = response.split_at(16);
    let key = response_key(password, &utf16_upper(user), domain);
    let mut data = server_challenge.to_vec();
    data.extend_from_slice(blob);
    hmac_md5(&key, &data) == proof
}

/// NTOWFv2: HMAC-MD5 keyed with MD4 of the UTF-16 password, over the
/// upper-cased user and the domain (both UTF-16LE as sent).
pub fn response_key(password: &str, upper_user: &[u8], domain: &[u8]) -> [u8; 16] {
    let password: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hash = Md4::digest(&password);
    let mut name = upper_user.to_vec();
    name.extend_from_slice(domain);
    hmac_md5(&hash, &name)
}

fn hmac_md5(key: &[u8], data: &[u8]) -> [u8; 16] {
    let mut mac = <Hmac<Md5> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The payload of the field whose (length, room, offset) is at `at`.
fn field(message: &[u8], at: usize) -> Option<&[u8]> {
    let head = message.get(at..at + 8)?;
    let length = usize::from(u16::from_le_bytes([head[0], head[1]]));
    let offset = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let offset = usize::try_from(offset).ok()?;
    message.get(offset..offset.checked_add(length)?)
}

/// A UTF-16LE name upper-cased.
fn utf16_upper(name: &[u8]) -> Vec<u8> {
    let units: Vec<u16> = name
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .to_uppercase()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// [MS-NLMP] 4.2.4: User, Domain, Password, server challenge
    /// 0123456789abcdef, client challenge aa…, time 0.
    fn messages(proof: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut challenge = vec![0; 24];
        challenge.extend(hex("0123456789abcdef"));
        let target_info =
            hex("02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000");
        let mut blob = hex("0101000000000000");
        blob.extend([0; 8]);
        blob.extend([0xaa; 8]);
        blob.extend([0; 4]);
        blob.extend(target_info);
        blob.extend([0; 4]);
        let mut response = proof.to_vec();
        response.extend(blob);
        let (domain, user) = (utf16("Domain"), utf16("User"));
        let mut message = vec![0; 64];
        let put = |at: usize, payload: &[u8], message: &mut Vec<u8>| {
            let offset = message.len() as u32;
            message[at..at + 2].copy_from_slice(&(payload.len() as u16).to_le_bytes());
            message[at + 2..at + 4].copy_from_slice(&(payload.len() as u16).to_le_bytes());
            message[at + 4..at + 8].copy_from_slice(&offset.to_le_bytes());
            message.extend_from_slice(payload);
        };
        put(20, &response, &mut message);
        put(28, &domain, &mut message);
        put(36, &user, &mut message);
        (challenge, message)
    }

    const PROOF: &str = "68cd0ab851e51c96aabc927bebef6a1c";

    #[test]
    fn the_response_key_is_the_specifications() {
        let key = response_key("Password", &utf16("USER"), &utf16("Domain"));
        assert_eq!(key.to_vec(), hex("0c868a403bfd7a93a3001ef22ef02e3f"));
    }

    #[test]
    fn the_specifications_answer_matches_only_its_password() {
        let (challenge, authenticate) = messages(&hex(PROOF));
        assert!(answer_matches(&challenge, &authenticate, "Password"));
        assert!(!answer_matches(&challenge, &authenticate, "password"));
        let (_, forged) = messages(&[0; 16]);
        assert!(!answer_matches(&challenge, &forged, "Password"));
        let mut other = challenge.clone();
        other[24] ^= 1;
        assert!(!answer_matches(&other, &authenticate, "Password"));
        assert!(!answer_matches(&challenge, &authenticate[..40], "Password"));
    }
}
