//! Unicode facts that more than one reader of text needs (the exempt-fence
//! reader, the leak scan): one table, so that what one reader cannot see the
//! others cannot see either. Imports nothing of ours.

/// Characters a reader does not see: Unicode's default ignorable code
/// points (DerivedCoreProperties.txt) and the format characters (category
/// Cf) outside them: zero-width spaces and joiners, the byte-order mark, the
/// soft hyphen, bidirectional controls, tag characters, variation selectors,
/// Hangul fillers, the combining grapheme joiner.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0xAD | 0x34F
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}
