"""Questions that take something for granted, written against the seed articles (not in the eval set).

The premise check's test questions: false premises (the articles say otherwise, or nothing)
and questions the articles answer, or on which they disagree.
"""

FALSE_PREMISES = [
    "Why did Kazakhstan join the anti-Russian sanctions?",
    "Why did Kazakhstan officially join the anti-Russian sanctions?",
    "Why did Kazakhstan allow the Z symbol?",
    "Why did Kazakhstan allow stickers with Z and V?",
    "When did Tokayev win the war?",
    "Why did Tokayev recognise the independence of the Donbass republics?",
    "When did Kazakhstan recognize the DPR?",
    "How did Tokayev justify recognizing the LPR?",
    "Why did Tokayev accept the Russian order?",
    "Why did Kazakhstan agree to cooperate with Sber?",
    "Why did Putin award Tokayev the Order of Alexander Nevsky?",
    "Why does Kazakhstan participate in parallel imports to Russia?",
    "Why did Tokayev support Russia's war in Ukraine?",
    "Why did Tokayev speak Russian to the Russian delegation?",
    "Why did Kazakhstan recognise Crimea as part of Russia?",
    "When did Kazakhstan leave the EAEU?",
    "Why did Tokayev announce that Kazakhstan would recognise the DPR and LPR?",
    "Why did Kassym-Jomart Tokayev call Sergei Mardan indecent?",
    "Why did Tokayev agree in St Petersburg to recognise the DPR and LPR?",
    "Why did Sergei Lavrov call Toqayev's behaviour indecent?",
]

ANSWERABLE_OR_DISPUTED = [
    "Why did Kazakhstan block the coal wagons?",
    "When did Kazakhstan block 1,700 wagons of coal?",
    "Why did Tokayev speak Kazakh during Putin's visit?",
    "Why was Tokayev's speech seen as a provocation?",
    "How did Sergei Mardan describe Toqayev's behaviour?",
    "Why did Kazakhstan drop Sber from its digitalization plan?",
    "When did Putin visit Astana?",
    "Which newspaper published Putin's interview?",
    "Why were oil shipments through Novorossiysk limited?",
    "Which Russian politician raised territorial issues with Kazakhstan?",
    "Why did Tokayev refuse the Order of Alexander Nevsky?",
    "Why did Kazakhstan not recognize the DPR and LPR?",
    "Which countries did Kazakh officials call strategic partners?",
    "How did Zatulin threaten Kazakhstan?",
    "What did Tokayev say about sanctions in Berlin?",
    "Why did Russian propagandists criticize Toqayev?",
    "Which agency announced the arrest of a spy?",
    "What did the two countries agree to build?",
    "Why did Kazakhstan cooperate with the EU on sanctions?",
    "How did Peskov comment on the order?",
    "Why did Tokayev support the EU sanctions?",
    "Did Kazakhstan join the sanctions against Russia?",
    "Why did Tokayev help Russia circumvent sanctions?",
    "Why did Kazakhstan help Russia circumvent sanctions?",
    "Why did Tokayev say that Kazakhstan would adhere to the sanctions?",
    "Why did Mendkovich say that transit schemes will remain unchanged?",
    "Why did Sergei Mardan call Toqayev's behaviour indecent?",
    "Why did Andrey Turchak criticize Konstantin Zatulin?",
]
