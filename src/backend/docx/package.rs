//! The DOCX zip: fixed entry order, fixed dates (or SOURCE_DATE_EPOCH), deflate-compressed.
//!
//! Written here rather than with the `zip` crate, which starts a new deflate state (~0.5 M
//! instructions to allocate and clear) for each of the ~18 parts and compresses at zlib speed:
//! 17 M instructions per report, against ~5 M with one libdeflate compressor at level 1 (the
//! DOCX grows from ~17 to ~19 KB; its size is no target).

use chrono::{DateTime, Datelike, Timelike};

/// The date used when no epoch is given (the earliest a zip can record).
pub const FIXED_DATE: &str = "1980-01-01T00:00:00Z";

/// Deflate level of the parts (libdeflate 1–12).
const LEVEL: i32 = 1;

/// The W3CDTF date of an epoch (or the fixed date).
pub fn w3c_date(epoch: Option<i64>) -> String {
    epoch
        .and_then(|e| DateTime::from_timestamp(e, 0))
        .map_or_else(
            || FIXED_DATE.to_string(),
            |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

/// The MS-DOS (time, date) of an epoch; 1980-01-01 00:00 when none is given or it is outside
/// 1980–2107, the years a zip can record.
fn dos_date_time(epoch: Option<i64>) -> (u16, u16) {
    epoch
        .and_then(|e| DateTime::from_timestamp(e, 0))
        .filter(|d| (1980..=2107).contains(&d.year()))
        .map_or((0, 1 << 5 | 1), |d| {
            let time = (d.hour() << 11 | d.minute() << 5 | (d.second() / 2)) as u16;
            let date = ((d.year() - 1980) as u32) << 9 | d.month() << 5 | d.day();
            (time, date as u16)
        })
}

/// Zips the parts in the given order, each deflated, as regular files with mode 0644.
pub fn zip(parts: &[(String, Vec<u8>)], epoch: Option<i64>) -> Result<Vec<u8>, String> {
    crate::backend::with_compressor(LEVEL, |c| zip_with(c, parts, epoch)).ok_or("deflate level")?
}

/// [`zip`] with compressor `c`.
fn zip_with(
    c: &mut libdeflater::Compressor,
    parts: &[(String, Vec<u8>)],
    epoch: Option<i64>,
) -> Result<Vec<u8>, String> {
    let (time, date) = dos_date_time(epoch);
    let total: usize = parts.iter().map(|(n, d)| n.len() + d.len()).sum();
    let mut out = Vec::with_capacity(total / 4 + 4096);
    let mut central = Vec::with_capacity(parts.len() * 96);
    let mut buf = Vec::new();
    let too_big = || "DOCX part too large for a zip without ZIP64".to_string();
    for (name, data) in parts {
        buf.resize(c.deflate_compress_bound(data.len()), 0);
        let n = c
            .deflate_compress(data, &mut buf)
            .map_err(|e| format!("deflate: {e:?}"))?;
        let crc = libdeflater::crc32(data);
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let size = u32::try_from(data.len()).map_err(|_| too_big())?;
        let csize = u32::try_from(n).map_err(|_| too_big())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // general purpose flag bit 11: the name is UTF-8
        let flags: u16 = if name.is_ascii() { 0 } else { 1 << 11 };
        // the fields local and central headers share, from "version needed" on
        let mut common = Vec::with_capacity(26);
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0 (deflate)
        common.extend_from_slice(&flags.to_le_bytes());
        common.extend_from_slice(&8u16.to_le_bytes()); // deflated
        common.extend_from_slice(&time.to_le_bytes());
        common.extend_from_slice(&date.to_le_bytes());
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&csize.to_le_bytes());
        common.extend_from_slice(&size.to_le_bytes());
        common.extend_from_slice(&name_len.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&buf[..n]);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&(3u16 << 8 | 20).to_le_bytes()); // made by: Unix, 2.0
        central.extend_from_slice(&common);
        central.extend_from_slice(&0u16.to_le_bytes()); // no comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk 0
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // regular file, 0644
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let entries = u16::try_from(parts.len()).map_err(|_| too_big())?;
    let cd_offset = u32::try_from(out.len()).map_err(|_| too_big())?;
    let cd_size = u32::try_from(central.len()).map_err(|_| too_big())?;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk of the central directory
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_dates() {
        assert_eq!(dos_date_time(None), (0, 33));
        // 2021-03-04T05:06:08Z
        assert_eq!(
            dos_date_time(Some(1_614_834_368)),
            (5 << 11 | 6 << 5 | 4, 41 << 9 | 3 << 5 | 4)
        );
        assert_eq!(dos_date_time(Some(0)), (0, 33));
    }

    #[test]
    fn a_zip_that_reads_back() {
        let parts = vec![
            ("a.xml".to_string(), b"<a/>".repeat(100)),
            ("w/\u{4e2d}.xml".to_string(), Vec::new()),
        ];
        let z = zip(&parts, Some(1_614_834_368)).unwrap();
        let mut a = ::zip::ZipArchive::new(std::io::Cursor::new(z)).unwrap();
        assert_eq!(a.len(), 2);
        for (i, (name, data)) in parts.iter().enumerate() {
            let mut f = a.by_index(i).unwrap();
            assert_eq!(f.name(), name);
            assert_eq!(f.compression(), ::zip::CompressionMethod::Deflated);
            assert_eq!(f.unix_mode(), Some(0o100_644));
            let t = f.last_modified().unwrap();
            assert_eq!(
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                ),
                (2021, 3, 4, 5, 6, 8)
            );
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).unwrap();
            assert_eq!(&v, data);
        }
    }
}
