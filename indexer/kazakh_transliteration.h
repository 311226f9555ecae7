// Kazakh in the 2021 Latin alphabet to Kazakh Cyrillic, so both spellings
// share lemmas, glossary entries and vectors.
//
// Thread-safe: pure function.
#ifndef HELIXMATCH_INDEXER_KAZAKH_TRANSLITERATION_H_
#define HELIXMATCH_INDEXER_KAZAKH_TRANSLITERATION_H_

#include <string>
#include <string_view>

namespace helixmatch {

// Transliterates one case-folded word (Turkic folding: 'ı' is і, 'i' is и
// or, after a vowel, й; "ia" and "iu" are я and ю; u is у, ū is ұ). Letters
// outside the alphabet keep the nearest Cyrillic sound (c -> ц, w -> у, x ->
// кс); anything that is not a Latin letter is copied unchanged. `word` must be
// valid UTF-8.
std::string KazakhLatinToCyrillic(std::string_view word);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_KAZAKH_TRANSLITERATION_H_
