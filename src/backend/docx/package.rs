//! The DOCX zip: fixed entry order, fixed dates (or SOURCE_DATE_EPOCH), deflate-compressed.

use std::io::{Cursor, Write};

use chrono::{DateTime, Datelike, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The date used when no epoch is given (the earliest a zip can record).
pub const FIXED_DATE: &str = "1980-01-01T00:00:00Z";

/// The W3CDTF date of an epoch (or the fixed date).
pub fn w3c_date(epoch: Option<i64>) -> String {
    epoch
        .and_then(|e| DateTime::from_timestamp(e, 0))
        .map_or_else(
            || FIXED_DATE.to_string(),
            |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

fn zip_date(epoch: Option<i64>) -> zip::DateTime {
    epoch
        .and_then(|e| DateTime::from_timestamp(e, 0))
        .and_then(|d| {
            zip::DateTime::from_date_and_time(
                u16::try_from(d.year()).ok()?,
                d.month() as u8,
                d.day() as u8,
                d.hour() as u8,
                d.minute() as u8,
                d.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// Zips the parts in the given order.
pub fn zip(parts: &[(String, Vec<u8>)], epoch: Option<i64>) -> Result<Vec<u8>, String> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip_date(epoch))
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        w.start_file(name.as_str(), opts)
            .map_err(|e| e.to_string())?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(w.finish().map_err(|e| e.to_string())?.into_inner())
}
