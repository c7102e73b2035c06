"""Word lists shared by the stages: general English, nothing from a particular corpus.

Written as one string per list so that long lists stay readable.
"""


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Base forms of verbs that name work (plus common verbs a commitment starts with). Used to
#: split coordinated verb phrases ("update the deck and send the invite"), to recognise an
#: imperative, and to tell a title that starts with a verb.
VERBS = wordset(
    "add address adjust agree align analyse analyze announce answer apply approve archive "
    "arrange ask assess assign audit automate backfill benchmark block book brief bring "
    "budget build buy calculate call cancel capture change chase check circulate clarify "
    "clean clear close coach collect compare compile complete confirm connect consider "
    "consolidate contact continue convert coordinate copy correct cost cover create "
    "deal debug decide define delete deliver deploy design document double-check draft "
    "draw drive drop edit email e-mail enable escalate estimate evaluate explore export "
    "extend figure file fill finalise finalize find finish fix flag follow forward frame "
    "gather generate get give go grab handle have help hire hold host identify implement "
    "improve include inform install interview investigate invite issue join keep kick "
    "label launch lead learn line list load lock log look mail make manage map mark measure "
    "meet merge message migrate mock monitor move negotiate note notify offer onboard open "
    "order organise organize outline own pair patch pay pick pilot ping plan play polish "
    "post prep prepare present price print prioritise prioritize probe process produce "
    "profile program prototype provide publish pull purchase push put raise reach read "
    "rebook recheck reconcile record redesign redo reduce refactor refresh register "
    "reply report request research reserve resolve respond restart restore retest review "
    "revise rewrite ring roll rotate run save scan schedule scope screen search secure "
    "select send set settle share ship shortlist sign simplify sit size sketch slot solve "
    "sort source speak specify spec split start stress submit summarise summarize swap "
    "switch sync take talk tell test text tidy track train transfer translate triage try "
    "tweak type unblock update upgrade upload validate verify walk watch wire work "
    "write loop quote renew"
)
#: Verbs that show work to be done after the meeting (strong task signal); all are in VERBS.
TASK_VERBS = wordset(
    "send email e-mail mail forward prepare prep write draft contact call ring ask investigate "
    "research update organise organize arrange schedule book follow circulate share review "
    "fix finish complete fill set sort figure build design create produce test evaluate "
    "order buy handle chase check confirm deploy document draft email file finalise finalize "
    "invite migrate onboard patch ping prototype publish reach reconcile refactor reply "
    "rewrite run ship sign submit summarise summarize triage upload verify audit backfill "
    "benchmark book cancel collect compile reserve escalate interview loop look deliver "
    "mock sketch type pull put scope spec price quote renew hire"
)
#: Verbs of the meeting itself ("I'll share my screen", "let me pull up the slide").
MEETING_VERBS = wordset(
    "show present talk speak explain start begin skip repeat summarise summarize turn pass "
    "hand introduce walk stop wrap end conclude see tell say mention read let wait agree "
    "guess assume bet remind admit apologise apologize mute unmute"
)
MEETING_OBJECTS = wordset("screen slide slides agenda chat whiteboard floor mic microphone camera")
#: States, wishes and perceptions: after "I'll"/"we need to" they describe, not commit.
STATIVE = wordset(
    "be need want like love hate know remember believe prefer mind care lose die win fail "
    "regret doubt feel seem wish hope think understand imagine see hear suppose appreciate "
    "miss mean"
)
HEDGES = wordset(
    "maybe perhaps probably possibly might hopefully try trying guess suppose somehow "
    "someday eventually ideally"
)
PRONOUN_OBJECTS = wordset("it that this them those these one")
VAGUE_OBJECTS = wordset("something stuff things thing everything anything some needful")
#: Determiners that open a noun phrase.
DETERMINERS = wordset(
    "the a an our your my their his her its this that these those some any all each every "
    "both two three four five new"
)
#: Words that end a noun phrase (prepositions, conjunctions, adverbs of time).
NP_STOP = wordset(
    "to for with by from on in at of about before after until till and or but so because "
    "if when while as since then today tomorrow tonight now asap later soon this next "
    "again also too please first once right eod"
)
STOP = wordset(
    "a an the and or but so to of in on at for with by from up out it its this that these "
    "those is are be been was were do does did have has had will would can could should i "
    "you we they he she me us them my your our their his her just also then maybe "
    "probably some any all about into over there here what which who how when okay yeah "
    "um uh well like really very get got go going gonna i'll we'll you'll let's let "
    "sure yes no not ok alright right actually one"
)
#: "-ing" stems that take a final "e" in the base form.
ING_E = wordset(
    "mak tak writ us com hav giv prepar chang arrang shar typ decid provid includ clos "
    "mov schedul organis organiz finalis finaliz summaris summariz circulat compar "
    "describ determin defin combin continu argu updat creat evaluat investigat generat "
    "produc reduc plac receiv improv solv serv achiev releas captur figur measur secur "
    "ensur handl complet delegat negotiat calculat coordinat communicat translat estimat "
    "validat analys analyz revis advis purchas chas phas pric sourc ston stor scor explor "
    "compil automat migrat rebas retir wir scop invit assembl merg"
)
#: Spoken fillers dropped before matching.
FILLERS = wordset("um umm uh uhh uh-huh er erm ah hmm mm mhm mm-hmm eh")
#: Nouns that need a complement ("a summary" of what?): in "go through the audit and share
#: a summary" the summary is of the audit, and the two verb phrases are one piece of work.
RELATIONAL = {
    **dict.fromkeys(
        wordset(
            "summary recap findings results notes writeup write-up overview outcome takeaways "
            "readout debrief minutes"
        ),
        "of",
    ),
    **dict.fromkeys(wordset("feedback comments thoughts"), "on"),
    "access": "to",
}
#: "Take a pass at it", "have a look at the deck": the work is on what follows "at".
LIGHT_VERBS = wordset("take have give do")
LIGHT_NOUNS = wordset("pass look stab crack shot go try first quick closer")
#: Forms that end a noun phrase: auxiliaries, modals and common past tenses.
VERB_FORMS = wordset(
    "is are was were be been being am 's 're will would can could should shall may might must "
    "has have had do does did came went got said told made took gave found left ran saw "
    "keeps kept needs looks seems goes comes that which who whose where when"
)
