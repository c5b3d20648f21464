// The categories that pain points have, to report which feedback categories match none
// after a load with a category map.
//
// Parameters:
//   none
//
// Returns one row per category:
//   category  string  a pain point category, e.g. "billing-accuracy"
MATCH (pp:PainPoint)
WHERE pp.category IS NOT NULL
RETURN DISTINCT pp.category AS category
ORDER BY category
