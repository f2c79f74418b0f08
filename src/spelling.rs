//! "Did you mean …?": the closest known name to a misspelt one, for help lines about
//! unknown checks, config keys and program settings.
//!
//! (The cipher engine keeps its own suggestion code: it depends on nothing in this crate.)

/// Levenshtein distance between two short names.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name` within `limit` edits (ties: the first). Names longer
/// than 64 bytes get no suggestion, and candidates whose length alone differs by more
/// than `limit` are skipped without computing a distance, so hostile input stays cheap.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Option<&'a str> {
    if name.len() > 64 {
        return None;
    }
    let len = name.chars().count();
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            closest("legacy-protocl", ["weak-cipher", "legacy-protocol"], 3),
            Some("legacy-protocol")
        );
        assert_eq!(closest("zzzz", ["legacy-protocol"], 3), None);
    }
}
