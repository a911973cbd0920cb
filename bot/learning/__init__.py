"""Help for learners: word-by-word readings of Chinese (pinyin, glosses, HSK levels) and the
slang catalogue that explains internet slang on relayed copies. No Discord imports here."""
