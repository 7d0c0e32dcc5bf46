"""Opinion groups, representative and consensus statements, following Pol.is's math.

The input is plain data: one vote per (voter, statement) pair, already resolved to the latest
one by the caller, and the statement ids in play. Nothing here touches a database or a channel.

Why plain numpy rather than red-dwarf: red-dwarf (a faithful Python port of Pol.is's math)
builds pandas frames, pivots, grid-searches k-means through scikit-learn's cross-validation
machinery and walks statements row by row with ``iterrows``. That is fine for notebooks but slow
for a 2,000 x 500 round, pulls in a network client stack we do not need, and its API is young.
We follow the same definitions on plain numpy arrays, k-means and the silhouette included
(:mod:`.kmeans`: importing scikit-learn, SciPy and pandas cost more than the analysis itself in
the short ``inspraak analyse`` process), and keep red-dwarf as the test oracle.

The steps, and where they follow Pol.is (``math/src/polismath/math/*.clj``) or red-dwarf:

1. Vote matrix: rows are every voter with a vote on a column, columns are the statements in play
   plus any moderated-out statements, kept only when they have at least one vote (Pol.is's rating
   matrix only grows columns for voted statements). Missing votes are NaN. Moderated-out columns
   are zeroed for the projection, as Pol.is's ``zero-out-columns`` does.
2. Participants kept for clustering ("in-conv"): at least ``min(7, n_columns)`` votes, counted on
   the raw matrix (votes on moderated-out statements count, as in Pol.is). When fewer than 15
   qualify, the most active other voters are added until there are 15 (Pol.is's greedy top-up;
   ties by first appearance). With fewer than 15 voters in all we form no groups: two or three
   "groups" among a dozen people say nothing a municipality can use.
3. PCA on *all* voters (as Pol.is): missing votes imputed with the column mean, centred, first two
   principal axes. Each participant's projection is scaled by ``sqrt(n_columns / n_votes)`` so
   people who voted on few statements are not bunched in the centre (Pol.is's
   ``sparsity-aware-project-ptpt``; red-dwarf's ``SparsityAwareScaler``).
4. Two-level k-means as Pol.is does it: up to 100 *base clusters* over the kept participants,
   then the base-cluster centres are grouped by k-means weighted by base-cluster size, for k from
   2 to ``min(5, 2 + n_base // 12)``. The k with the best silhouette, computed over the
   base-cluster centres as Pol.is does, wins (ties go to the smaller k). The chosen grouping is
   then settled on the participants themselves: Lloyd's k-means on the kept participants from
   the groups' centres and from the first k distinct positions in sorted order (red-dwarf's
   reading of Pol.is's ``init-clusters``), keeping the one with the smaller within-group sum of
   squares. Whole base clusters otherwise leave border participants nearer the other group's
   centre. Base clusters and groups are each the tightest of ten seeded k-means++ runs:
   deterministic, and less dependent on one draw than Pol.is's single run.
5. Statement statistics per group over the kept participants, with Pol.is's pseudocounts:
   ``pa = (na + 1) / (ns + 2)``, ``pat = 2 sqrt(ns + 1) ((na + 1) / (ns + 1) - 1/2)``,
   ``ra = pa / pa_out`` and ``rat`` the two-proportion z-test with +1 smoothing; the same for
   disagree. Significance is ``z > 1.2816`` (90 %, one-sided).
6. Representative statements per group: Pol.is's ``select-rep-comments`` (best agreed statement
   first, then significant ones by ``repness * repness-test * p * p-test``, at most 5, agree
   before disagree). Moderated-out statements are never picked.
7. Consensus statements over *all* voters, not just the kept ones (as red-dwarf and Pol.is):
   ``pa > 0.5`` and ``pat > 1.2816``, ranked by ``pa * pat``, top 5; the same for disagree.
8. Group-aware consensus per statement: the product over groups of ``(na + 1) / (ns + 2)``, and
   the disagree analogue. Without groups it is computed over the kept participants as one group.
9. Divisive statements (our addition, Pol.is has no such list): statements ranked by the
   variance across groups of the group agree-probability ``pa``, highest first, at most 5, only
   statements every group voted on; empty without groups.

Agreement with Pol.is's own export (adjusted Rand index over the participants both clustered),
measured with ``bench/analysis_opendata.py`` on every conversation of the public Pol.is open data
set beside red-dwarf 0.4 (README, "Agreement with Pol.is", has the table): ours is at least
red-dwarf's on 15 of 17 conversations and higher on 3. Settling the groups on the participants
(step 4) took it from 10 of 17 (canadian-electoral-reform 0.898 -> 1.000, vtaiwan.uberx 0.710 ->
0.826). The two exceptions, measured:

- football-concussions (ours 0.149 with 4 groups, red-dwarf 0.200 with 5, Pol.is 2) and
  scoop-hivemind.affordable-housing (ours 0.077 with 4, red-dwarf 0.117 with 4, Pol.is 2): 838
  of the 1,434 and 85 of the 381 participants Pol.is clustered have fewer than 7 votes in the
  export. They entered Pol.is's in-conv set early and never left it, so no computation on the
  final votes keeps them; Pol.is's groups are very uneven (1,281 / 153 and 347 / 34) and both
  analyses split the participants they keep into 4 or 5 groups that agree with Pol.is's barely
  better than chance.

Brexit-consensus (ours 0.876, red-dwarf 0.636): Pol.is's two groups are not separable by any
straight line in the PCA plane of the final votes (best possible 0.937); replaying Pol.is's
incremental history at guessed update cadences does not reproduce them either.

The modules: :mod:`.model` (types, result and constants), :mod:`.matrix` (steps 1-2),
:mod:`.projection` (3), :mod:`.clustering` and :mod:`.kmeans` (4), :mod:`.stats` (5),
:mod:`.statements` (6-9), :mod:`.pipeline` (``analyse``) and :mod:`.comparison`
(``closest_group``).
"""

from core.analysis.polis.comparison import closest_group
from core.analysis.polis.model import (
    BASE_CLUSTERS,
    MAX_GROUPS,
    MIN_CLUSTERED,
    MIN_PARTICIPANTS_FOR_COMPARISON,
    MIN_VOTES,
    N_INIT,
    PICK_MAX,
    RANDOM_STATE,
    Z_90,
    AnalysisResult,
    Direction,
    FloatArray,
    Group,
    RepresentativeStatement,
    Vote,
)
from core.analysis.polis.pipeline import analyse

__all__ = [
    "BASE_CLUSTERS",
    "MAX_GROUPS",
    "MIN_CLUSTERED",
    "MIN_PARTICIPANTS_FOR_COMPARISON",
    "MIN_VOTES",
    "N_INIT",
    "PICK_MAX",
    "RANDOM_STATE",
    "Z_90",
    "AnalysisResult",
    "Direction",
    "FloatArray",
    "Group",
    "RepresentativeStatement",
    "Vote",
    "analyse",
    "closest_group",
]
