"""Compact word lists for telling English from other Latin-script languages in short chat.

``ENGLISH_WORDS`` are frequent English words plus chat shorthand; a Latin message is English
unless it shows evidence of another language, so this list only has to outweigh that evidence.
``FOREIGN_FUNCTION_WORDS`` are frequent function words (articles, pronouns, auxiliaries,
greetings) of the Latin-script languages most often seen next to English on Discord; words that
are also English (``a``, ``in``, ``die``, ``come``...) are removed when the set is built.
``CHAT_WORDS`` are the shorthand and discourse particles of real SMS and chat English (measured
on the UCI SMS Spam Collection, whose chat is mostly Singaporean and Indian English): they count
as English. ``SHARED_PARTICLES`` are chat particles that are also function words elsewhere
(Singlish "la", Tamil-English "da", "de", "pa"; Spanish "la", Portuguese "da"...): they count
for neither side, so "Ok da.." stays English and "la casa es bonita" is still Spanish.
"""

from __future__ import annotations

ENGLISH_WORDS: frozenset[str] = frozenset(
    """
    a about above across act actually add after again against age ago agree ah ahead air all
    allow almost alone along already alright also although always am among an and angry animal
    another answer any anybody anyone anything anyway anywhere apple are area arm around arrive
    art as ask asked asleep at attack aunt away awesome awful baby back bad bag ball bank bar be
    beautiful became because become bed been beer before began begin behind being believe below
    best better between big bike bill bird birthday bit black blood blue board boat body book born
    both bother bottle bought box boy bread break breakfast bring broke broken brother brought brown
    build building built bus business busy but buy by call called came can cannot car card care
    careful carry case cat catch caught cause certain chair chance change cheap check child children
    choose church city class clean clear close closed clothes coffee cold college come coming
    company computer cook cool correct cost could count country couple course cousin crazy cry cup
    cut dad dance dangerous dark date daughter day dead dear decide decided deep did die died
    different difficult dinner do doctor does dog doing done door down dream dress drink drive
    driving drop drove drunk during each early easy eat eating egg eggs eight either else email end
    english enjoy enough even evening ever every everybody everyone everything exactly example
    except excited excuse expect expensive explain eye eyes face fact fall family famous far fast
    fat father favorite favourite feel feeling feet fell felt few fight find fine finish finished
    fire first fish five fix floor fly follow food foot for forget forgot forward found four free
    french friend friends from front full fun funny game gave get gets getting girl give given glad
    glass go goes going gone good got great green grow guess guy guys had hair half hand happen
    happened happy hard has hat hate have having he head hear heard heart hello help her here hers
    herself hey hi high him himself his hit hold holiday home hope horse hospital hot hotel hour
    hours house how however huge hungry hurry hurt husband i idea if ill important in inside instead
    interesting into is isn it its itself job join just keep kept key kid kids kill kind kitchen
    knew know known lady language large last late later laugh lazy learn least leave left leg less
    let letter library lie life light like liked likes line list listen little live lived living
    long look looked looking lose lost lot lots love loved lunch mad made make makes making man many
    map married matter may maybe me mean meant meet meeting men met might mind mine minute minutes
    miss mistake mom money month months more morning most mother move movie much music must my
    myself name near need needed needs never new news next nice night nine no nobody none nor not
    nothing now number of off office often oh ok okay old on once one only open or order other
    others our ours out outside over own paid paper parents park part party pass past pay people
    perhaps person phone pick picture place plan play played player please pm point police poor
    possible post pretty price probably problem problems pull put question quick quickly quiet quite
    rain ran rather read ready real really reason red remember rest rich right river road room run
    running sad safe said same sat saw say saying says school sea second see seem seemed seems seen
    sell send sent serious seven several shall she ship shoes shop short should show shut sick side
    since sing sister sit six sleep slow small smart smile snow so some somebody someone something
    sometimes somewhere son song soon sorry sound speak special spend spent sport stand start
    started station stay still stop store story street strong student study stuff stupid such sugar
    summer sun sure surprised sweet swim table take taken talk talking tall taxi tea teach teacher
    team tell ten terrible than thank thanks that the their theirs them themselves then there these
    they thing things think thinking third this those though thought three through throw till time
    tired to today together told tomorrow tonight too took top touch town train travel tree tried
    trip trouble true trust truth try trying turn twice two uncle under understand until up upon us
    use used useful usually very visit voice wait waiting wake walk want wanted wants war warm was
    wash watch water way we wear weather week weekend weird welcome well went were what whatever
    when where whether which while white who whole whom whose why wife will win window wine wish
    with without woman women won wonder wonderful word words work worked working world worried
    worry worse worst would write writing wrong wrote yeah year years yellow yes yesterday yet you
    young your yours yourself
    i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've they're they've
    that's there's what's who's let's don't doesn't didn't can't couldn't won't wouldn't isn't
    aren't wasn't weren't haven't hasn't hadn't shouldn't im dont cant wont didnt isnt doesnt
    thats whats youre ive
    lol lmao lmfao rofl omg wtf btw brb afk idk imo imho tbh ngl smh fyi irl gg ggs wp gl hf np ty
    thx pls plz u ur r ya yep yup nope nah hmm hm haha hahaha hehe xd ok oki kk k bruh dude
    cya gn gm sup yo wow damn nice cool thanks welcome congrats ikr rip lfg pog poggers
    um umm uh uhh er erm oi ha hun og min max sec secs hr hrs mins est pst cst utc gmt cet ton
    tons ma par pour plus non uno hai con cons pro pros per via vs etc dove gut tag bent op van
    pokémon pokemon café cafe naïve résumé cliché fiancé fiancée déjà vu
    comment comments mon sans sim ta
    heel wat hoe dat al hon dig din med meds bra tack den meg deg mitt til dan ama kim co ale eu
    pe cum del hay sin nada todo w l x
    """.split()
)

CHAT_WORDS: frozenset[str] = frozenset(
    """
    u ü ur urs ure r n b c d y k kk m s x
    lol lolz lmao rofl haha hahaha hahah hehe hee heh hihi ahaha ha hah hmm hmmm hm mm mmm
    ok okie okey okies oki okay k kay kk orite alrite aight ya yah yea yeah yep yup yupz nope nah
    dunno donno duno dno idk ikr iirc tho thru tmr tmrw tml tmoro tomo tmorrow 2moro 2day 2nite
    tonite nite gd gud gn gm nt nite thx thanx tnx tks ty tq pls plz plss sry sori soz
    msg msgs txt txts txting sms fone ph phn mob num no
    wat wot wht whr wen wn hw hows howz y coz cos cuz bcoz bcos becoz b4 aft bef abt ard
    juz jus jst oso also onli oni lk luv lv wan wanna gonna gotta gimme lemme dun dont wont cant
    noe knw kno thk tink tot thot ya'll yall u'll u're u've ur're ü'll i.ll
    dat dis dem den der tt tis tat smth sth smthing sumthing nth nthg anythin nothin
    goin comin doin havin makin gettin eatin sittin waitin lookin thinkin workin drivin talkin
    mayb wil cud wud shud shld hav haf hv gt gd2 btw fyi asap pm am hrs mins sec secs min
    frnd frnds frens fren bro sis bday b'day hubby gf bf bb babe dear dearie hun hunny
    sch skool uni lect tut exam exams mrt bus cab lah lor leh lei meh mah hor liao sia
    aiya aiyah aiyo aiyoh aiyar alamak walao wah shiok paiseh sian jialat kiasu chope
    makan tahan hiao bo jio lepak atas mug chiong
    machan dei dey chikku machi bhai yaar ji
    nw hme frm wrk wrkin dnt knw wnt tlk wid rply ltr nxt gv nyt mrng slp
    xx xxx xoxo muah mwah hugs gr8 l8 l8r l8tr m8 w8 4u 2u ne1 some1 any1 every1
    omw otw ttyl brb bbl cya cu gtg g2g np nvm nm wbu hbu hru wyd smh tbh ngl imo imho
    """.split()
)

# Unmistakable chat shorthand and particles (not words of the languages in SHARED_PARTICLES):
# one of these in a message shows the writer is texting in English.
CHAT_MARKERS: frozenset[str] = frozenset(
    """
    u ü ur r n b c d y k kk ok okie okay ya yah yeah yep yup nope nah lol lmao haha hahaha hehe
    hee hmm dunno donno idk tho tmr tmrw tml gd gud nite thx thanx pls plz sry msg txt wan wanna
    gonna dun dont wont cant noe thk tot lar lah lor leh lei meh mah hor liao sia aiya aiyah aiyo
    aiyar wah abt ard juz jus oso oni wif mayb goin thru coz cos cuz btw machan dey nw hme frm
    wrk dnt knw wnt tlk wid rply ltr nxt hv gv nyt mrng slp bcoz becoz
    """.split()
)

# Chat particles that are also short function words of other languages ("la", "da", "de"):
# another language's evidence, unless a CHAT_MARKER shows the message is English chat.
SHARED_PARTICLES: frozenset[str] = frozenset(
    "la da de di pa na ni e o wa ma lo ne nu ho ke eh".split()
)

FOREIGN_FUNCTION_WORDS_BY_LANGUAGE: dict[str, str] = {
    "es": """el los las del al una unos unas es está están estoy eres somos son fue ser hay
        muy pero porque qué que cómo como cuándo dónde quién yo tú usted nosotros ellos ella
        mi mis tu tus su sus nuestro con sin para por también ya aquí eso esto esta este
        hola gracias buenos buenas días noches sí bueno vale pues entonces nada todo tengo
        tiene puedo puede quiero hacer creo lo le les se te nos""",
    "pt": """o os as um uma uns umas é são está estão estou você vocês eu ele ela eles elas
        nós não sim muito mais mas também já aqui isso isto este esta com sem para pelo pela
        do da dos das no na nos nas meu minha seu sua olá oi obrigado obrigada tudo bem bom
        dia noite tenho tem fazer quero então agora ainda foi ser ter""",
    "fr": """le la les un une des du au aux est sont suis es être avoir ai as avez ont je tu
        il elle nous vous ils elles mon ma mes ton ta tes son sa ses notre votre leur avec
        sans pour par dans sur mais ou où donc très bien oui non merci bonjour salut bonsoir
        c'est ce cette ces qui quoi comment pourquoi quand je suis j'ai ça aussi pas plus
        rien tout fait peut veux""",
    "it": """il lo la gli le un uno una è sono sei siamo siete ho hai ha abbiamo avete hanno
        io tu lui lei noi voi loro mio mia miei tuo tua suo sua con senza per tra fra ma
        anche molto bene grazie ciao buongiorno buonasera sì non che chi cosa come perché
        quando dove questo questa quello quella della dello delle degli nel nella sul sulla""",
    "de": """der das den dem des ein eine einen einem einer ist sind bin bist sein haben habe
        hast hat ich du er sie es wir ihr mein meine dein deine sein seine unser mit ohne
        für auf aus bei nach von zu zum zur und oder aber auch sehr gut danke bitte hallo
        ja nein nicht kein keine was wer wie warum wann wo dass doch noch schon heute morgen
        guten tag abend nacht""",
    "nl": """de het een is zijn bent was waren heb hebt heeft hebben ik jij je hij zij ze
        wij we jullie mijn jouw zijn haar ons onze met zonder voor op uit bij naar van te
        en of maar ook heel goed dank bedankt alsjeblieft hallo hoi ja nee niet geen wat wie
        hoe waarom wanneer waar dat dit deze die nog al gaat gaan kan kunnen wil""",
    "sv": """och att det som en ett är var har jag du han hon vi ni de mig dig min din med
        utan för på av till från men också mycket bra tack hej ja nej inte vad vem hur
        varför när var den detta här där kan vill ska""",
    "da_no": """og at det som en et er var har jeg du han hun vi dere de meg deg min din mitt
        med uten for på av til fra men også meget veldig godt tak takk hei hej ja nei ikke
        hvad hva hvem hvordan hvorfor når hvor den dette her der kan vil skal""",
    "id_ms": """yang dan di ke dari ini itu saya aku kamu anda dia kami kita mereka tidak bukan
        ada adalah dengan untuk pada juga sudah belum akan bisa bisakah apa apakah siapa
        mengapa kenapa bagaimana kapan dimana terima kasih selamat pagi siang malam tolong
        ya tak sangat baik nak dah boleh jom pergi nanti sudah mau mahu sama sini sana
        macam mana kenapa sikit betul tapi lagi kalau jangan saja sahaja dekat rumah""",
    # Romanised Hindi as typed in chat ("kya kar rahe ho", "main ghar ja raha hoon").
    "hi_latn": """kya kyu kyun kyon nahi nahin hain hoon hun tha thi raha rahe rahi karo
        kar karna mujhe tujhe mera meri tera teri uska uski apna apni kaise kahan kab
        accha acha achha bahut bohot abhi kuch sab toh bhi yeh woh aur lekin matlab aap tum
        theek thik""",
    "tr": """bir ve bu şu sen biz siz onlar benim senin için ile ama çok iyi evet hayır
        değil var yok ne kim nasıl neden niçin nerede merhaba teşekkürler teşekkür ederim
        selam günaydın mı mi mu mü da de gibi daha""",
    "pl": """i w z na do nie się jest są to ja ty on ona my wy oni mój moja twój jak co kto
        gdzie dlaczego kiedy tak bardzo dobrze dziękuję cześć dzień dobry proszę że ale
        czy też już""",
    "cs_sk": """a je jsou jsem jsi byl být mám máš má já ty on ona my vy oni můj tvůj jak co
        kdo kde proč kdy ano ne není velmi dobře děkuji ahoj dobrý den prosím že ale také
        už""",
    "ro": """și este sunt eu tu el ea noi voi ei cu fără pentru pe la din în dar și foarte
        bine mulțumesc bună salut da nu ce cine cum de ce când unde""",
    "tl": """ang ng mga sa ay na at ako ikaw ka siya kami tayo kayo sila ko mo niya namin
        natin hindi oo opo po salamat kumusta magandang umaga ano sino paano bakit kailan
        saan ito iyan iyon may wala""",
    "sw": """na ya wa za la kwa ni si mimi wewe yeye sisi ninyi wao habari asante sana
        ndiyo hapana nini nani vipi kwa nini lini wapi""",
    "fi": """ja on ei se minä sinä hän me te he olen olet oli ovat kanssa mutta myös hyvin
        kiitos hei moi kyllä mitä kuka miten miksi milloin missä tämä tuo""",
}
