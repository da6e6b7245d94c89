"""The codes of the tabulation audit: station protocols (KZ80x) and the roll-up (KZ81x)."""

from __future__ import annotations

from kzvote.findings import Rule, Severity

BAD_CELL = Rule("KZ801", "station-bad-cell", Severity.ERROR, "a count cell that is empty, negative or not a whole number")
DUPLICATE_ID = Rule("KZ802", "station-duplicate-id", Severity.ERROR, "a station id an earlier row already used")
UNBALANCED = Rule("KZ803", "station-unbalanced", Severity.ERROR, "valid + blank + invalid differ from ballots cast (ballots in boxes, when given)")
CAST_OVER_REGISTERED = Rule("KZ804", "station-cast-exceeds-registered", Severity.ERROR, "more ballots cast than registered voters")
RECEIVED_UNBALANCED = Rule("KZ805", "station-received-unbalanced", Severity.WARNING, "ballots received differ from cast + cancelled (+ lost - unaccounted)")
INVALID_SHARE_HIGH = Rule("KZ806", "station-invalid-share-high", Severity.WARNING, "more than 10% of the ballots cast are invalid")
UNKNOWN_REGION = Rule("KZ807", "station-unknown-region", Severity.ERROR, "a region the results file does not have")
BAD_ROW = Rule("KZ808", "station-bad-row", Severity.ERROR, "a row (or header) that does not fit the station CSV layout")
SWAPPED = Rule("KZ809", "station-columns-swapped", Severity.ERROR, "registered and ballots cast look swapped")
# A warning, not an error: real protocols show it by one to three ballots (6 of Russia's 97,699 in
# 2018), and the protocol alone cannot say whether a ballot was stuffed or a count slipped.
IN_BOXES_OVER_CAST = Rule("KZ810", "station-in-boxes-exceed-cast", Severity.WARNING, "more ballots in the boxes than ballots cast (issued)")
ROLLUP_MISMATCH = Rule("KZ811", "rollup-mismatch", Severity.ERROR, "stations add up to another total than published")
STATION_COUNT = Rule("KZ812", "rollup-station-count", Severity.ERROR, "the number of stations differs from polling_stations")
REGION_MISSING = Rule("KZ813", "rollup-region-missing", Severity.ERROR, "a region of the results file has no stations")
UNCONFIRMED = Rule("KZ814", "rollup-unconfirmed", Severity.NOTE, "a total that unreadable stations keep from being confirmed")
UNPUBLISHED = Rule("KZ815", "rollup-region-unpublished", Severity.NOTE, "stations of a region a partial regions list does not publish")
RULES = (
    BAD_CELL,
    DUPLICATE_ID,
    UNBALANCED,
    CAST_OVER_REGISTERED,
    RECEIVED_UNBALANCED,
    INVALID_SHARE_HIGH,
    UNKNOWN_REGION,
    BAD_ROW,
    SWAPPED,
    IN_BOXES_OVER_CAST,
    ROLLUP_MISMATCH,
    STATION_COUNT,
    REGION_MISSING,
    UNCONFIRMED,
    UNPUBLISHED,
)
