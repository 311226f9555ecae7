// Which language a piece of text is in, by a cheap script heuristic (no
// model): Cyrillic with any Kazakh-only letter (ә ғ қ ң ө ұ ү һ і) is
// Kazakh, other Cyrillic Russian; Latin with the letters of the Kazakh 2021
// Latin alphabet (one of ğ ı ñ ş ū at least, with ä ö ü and q) is Kazakh
// written in Latin; anything
// else is treated as English. Chosen over fastText's lid.176 because it needs
// no model file, costs one pass over the code points, and the three
// languages we serve are told apart by their letters; it cannot tell Turkish
// from Kazakh Latin, nor Russian from a short Kazakh sentence that happens to
// use no Kazakh-only letter (see `document_is_kazakh`).
//
// Thread-safe: pure functions.
#ifndef HELIXMATCH_INDEXER_LANGUAGE_DETECTION_H_
#define HELIXMATCH_INDEXER_LANGUAGE_DETECTION_H_

#include <string_view>

namespace helixmatch {

enum class TextLanguage {
  kEnglish,  // and any other language we do not analyse further
  kRussian,
  kKazakh,
};

struct DetectedLanguage {
  TextLanguage language = TextLanguage::kEnglish;
  // Kazakh written in the 2021 Latin alphabet (transliterate to Cyrillic).
  bool latin_script = false;
};

// Language of one segment (a field or a sentence) of code points.
// `document_is_kazakh`: the whole text has Kazakh-only Cyrillic letters, so
// Cyrillic segments without them are Kazakh too.
DetectedLanguage DetectLanguage(std::u32string_view segment,
                                bool document_is_kazakh);

// True when `text` holds a Kazakh-only Cyrillic letter.
bool HasKazakhCyrillicLetter(std::u32string_view text);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_LANGUAGE_DETECTION_H_
