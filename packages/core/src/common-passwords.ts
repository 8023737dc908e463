// The passwords (and password stems) tried first by anyone guessing: the most common entries of
// public breach lists, names, words and keyboard walks. A password is refused when it is one of these,
// or one of these with digits or symbols around it and the usual letter swaps (p@ssw0rd, Summer2024!).
const LIST = `
password passw0rd p@ssword p@ssw0rd pass passwd passpass password1 mypassword yourpassword thepassword
newpassword oldpassword nopassword secretpassword mypass letmein letmeinnow welcome welcome1 welcomehome
hello helloworld hellokitty hellothere hi admin administrator admin123 root toor login logmein user guest
test tester testing testtest demo default changeme changeit changethis temp temppass temporary secret
secret1 topsecret supersecret private master masterkey access accessdenied opensesame open sesame system
server database oracle mysql postgres postgresql redis docker kubernetes ubuntu debian linux windows
microsoft apple macintosh google yahoo hotmail gmail facebook twitter instagram youtube linkedin netflix
amazon paypal ebay skype myspace snapchat tiktok whatsapp iphone android samsung nokia motorola blackberry
huawei xiaomi internet computer laptop desktop keyboard mouse monitor printer network wireless wifi router
modem cisco office work company business money dollar dollars cash rich richard million billion bitcoin
crypto ethereum qwerty qwertyuiop qwertyui qwert qwer asdf asdfgh asdfghjkl asdfghjk asdfjkl zxcv zxcvb
zxcvbn zxcvbnm qazwsx qazwsxedc qazxsw 1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 zaq1xsw2 xsw2zaq1 1q2w3e4r
1q2w3e4r5t 1q2w3e4r5t6y 1q2w3e 1q2w3e4r5t6y7u q1w2e3r4 q1w2e3r4t5 q1w2e3 q1w2e3r4t5y6 1qazxsw2 2wsx3edc
3edc4rfv 4rfv5tgb qweasd qweasdzxc qweasdzxc123 asdqwe qwe123 123qwe qwe qweqwe qwerty1 qwerty12 qwerty123
qwertz qwertzuiop azerty azertyuiop ytrewq poiuytrewq lkjhgfdsa mnbvcxz 1qw23e abcd abcde abcdef abcdefg
abcdefgh abcdefghi abcdefghij abc abc123 abcd1234 abc12345 a1b2c3 a1b2c3d4 a1b2c3d4e5 a12345 a123456
a1234567 a123456789 aa123456 aaa aaaa aaaaa aaaaaa 1a2b3c 1a2b3c4d 123abc 1234abcd 12345a 123456a 1234567a
12345678a 123456789a 1234qwer 12345qwert 123456q 12345q 1234q qwer1234 qwert12345 asdf1234 zxcv1234 pass1234
test1234 admin1234 love1234 abcabc abc321 321abc xyz xyz123 zzz zzzzzz 123 1234 12345 123456 1234567
12345678 123456789 1234567890 12345678910 0123456789 01234567 098765 0987654321 987654321 9876543210
87654321 7654321 654321 54321 4321 321 111111 1111111 11111111 111111111 1111111111 000000 0000000 00000000
0000000000 222222 333333 444444 555555 666666 777777 888888 999999 121212 123123 123321 112233 11223344
1122334455 121314 123654 123789 147258 147258369 147852 147852369 159357 159753 159951 741852 741852963
753951 789456 789456123 852456 963852 963852741 258456 369258 321321 456456 456789 654123 987456 102030
101010 1010 1212 1313 131313 2000 2001 2002 2010 2020 2021 2022 2023 2024 2025 2026 1969 1970 1975 1980 1985
1987 1988 1989 1990 1991 1992 1993 1994 1995 1996 1997 1998 1999 696969 6969 69 420 42 007 1004 5201314
520520 110110 11235813 31415926 314159 271828 8675309 24680 13579 2468 1357 55555 7777 77777 7777777
88888888 99999999 12344321 12341234 123454321 123451234 12qwaszx 123qweasd 123qweasdzxc 1qa2ws3ed 1qa2ws
321654 3216549870 147147 258258 369369 159159 753159 951753 852852 789789 987987 202020 212121 232323 252525
282828 303030 313131 414141 424242 454545 474747 505050 515151 525252 545454 565656 595959 616161 626262
636363 646464 656565 676767 686868 707070 717171 727272 737373 747474 757575 787878 797979 808080 818181
828282 838383 848484 858585 868686 878787 898989 909090 919191 929292 939393 949494 959595 969696 979797
989898 iloveyou iloveu ilove iloveme iloveyou1 iloveyou2 ilovegod ilovejesus ilovemymom iloveyouso loveyou
loveme lovely lover lovers love love123 loveu lovelove lovelife lovehurts loveyou2 truelove mylove myheart
sweetheart sweetie sweety sweet honey honeybee babygirl babyboy baby babe baby123 princess princesa prince
queen king kingdom kingkong angel angels angel1 angelina angela angelo fuckyou fuckoff fuck fucker fuckme
fuckyou1 fuckthis fuckit motherfucker bitch bitches asshole shithead shit pussy dick cock sex sexy sexsex
sexual porn porno horny hottie hotstuff naked nipple boobs tits slut whore penis vagina iwantu biteme blowme
suckit bigdick bigboy ihateyou hateyou whatever nothing something anything everything nobody somebody
someone forever always never together friends friend bestfriend bff family mother father mommy daddy mama
papa brother sister grandma grandpa wife husband girlfriend boyfriend children kids dragon dragons dragon1
monkey monkey1 monkeys tiger tigers tigger lion lionking eagle eagles falcon hawk shark sharks dolphin
dolphins whale turtle rabbit bunny kitten kitty cat cats catdog doggy doggie dog dogs puppy puppies pony
horse horses bear bears teddy teddybear panda penguin fish fishing bird birdie spider snake cobra viper
scorpion wolf wolves fox foxy bulldog pitbull rottweiler poodle chicken duck donkey butterfly ladybug
bumblebee cowboy cowboys pirate pirates ninja ninjas samurai warrior warriors soldier sniper hunter hunting
killer killers assassin legend legends hero heroes champion champions winner winners loser success victory
freedom liberty justice peace harmony unity trinity faith hope charity grace glory blessed blessing god
jesus jesus1 christ lord heaven heaven1 spirit soul bible church amen hallelujah allah muhammad buddha devil
demon satan hell hellfire 666 evil darkness dark darkside shadow shadows ghost ghosts zombie vampire magic
magician wizard merlin gandalf frodo hobbit legolas aragorn mordor sauron matrix neo morpheus trinity1
starwars jedi yoda vader darthvader skywalker lukeskywalker chewbacca r2d2 startrek spock enterprise
superman batman spiderman ironman hulk thor captain captainamerica avengers wolverine xmen joker harley
harleyquinn catwoman robin flash aquaman wonderwoman marvel dccomics pokemon pikachu charizard naruto sasuke
goku vegeta dragonball onepiece luffy zelda mario luigi sonic tetris minecraft fortnite roblox pacman
nintendo playstation xbox gamer gaming halo counterstrike warcraft starcraft diablo overwatch callofduty gta
simpsons homer bart spongebob patrick scooby scoobydoo mickey mickeymouse minnie donald goofy disney simba
nemo elmo barney garfield snoopy tweety bugsbunny looney hellokitty1 barbie kenny cartman southpark futurama
familyguy friends1 seinfeld sherlock dexter lost heroes1 smallville supernatural winchester gameofthrones
starlight harrypotter hogwarts hermione dumbledore voldemort gryffindor slytherin twilight edward bella
jacob sunshine sunny sunset sunrise summer winter spring autumn fall rainbow rain storm thunder lightning
snow snowball snowflake ice fire water earth wind air ocean sea beach island paradise mountain river forest
tree flower flowers rose roses daisy lily tulip orchid cherry cherries apples banana bananas orange oranges
lemon lime mango peach peaches strawberry blueberry raspberry pineapple coconut chocolate cookie cookies
cupcake candy sugar pepper salt cheese pizza burger hotdog taco tacos pasta coffee tea beer whiskey vodka
tequila wine martini bacon butter popcorn peanut peanutbutter icecream cake pancake muffin donut biscuit
football soccer baseball basketball hockey tennis golf golfer volleyball rugby cricket boxing wrestling
racing nascar formula1 ferrari porsche mercedes bmw audi toyota honda nissan mazda subaru ford chevy
chevrolet dodge jeep corvette camaro mustang mustang1 cadillac lexus volvo jaguar lamborghini bugatti
davidson harleydavidson yamaha kawasaki suzuki ducati chopper trucker truck diesel turbo speed speedy racer
driver pilot rocket rocketman spaceman astronaut galaxy planet star stars moon moonlight sun saturn jupiter
mars venus pluto mercury universe cosmos yankees redsox cubs dodgers giants mets braves cardinals tigers1
raiders steelers packers patriots cowboys1 broncos bears1 lakers celtics bulls knicks heat spurs warriors1
rockets chelsea arsenal liverpool manchester manutd manchesterunited barcelona realmadrid juventus milan
acmilan inter bayern dortmund ajax celtic rangers tottenham everton newcastle leeds fenerbahce galatasaray
besiktas flamengo corinthians boca river1 messi ronaldo cristiano neymar beckham zidane maradona pele jordan
jordan23 michaeljordan kobe kobebryant lebron lebronjames shaq woods tigerwoods federer nadal michael
michelle jennifer jessica ashley amanda sarah melissa nicole stephanie elizabeth heather rachel lauren
hannah samantha emily emma olivia sophia isabella ava mia abigail madison chloe charlotte amelia harper
evelyn natalie victoria alexis alexandra alexander alex andrea andrew anthony matthew joshua daniel david
james john robert william thomas charles christopher joseph steven kevin brian jason justin ryan eric adam
mark paul peter george henry jack jake ethan noah liam mason logan lucas oliver benjamin samuel nathan tyler
brandon austin dylan jordan1 kyle aaron sean shawn scott jeremy jeffrey timothy gregory kenneth ronald
anthony1 jonathan nicholas nick christian chris christina christine kimberly kim lisa laura linda barbara
susan karen nancy betty margaret sandra donna carol ruth sharon dorothy maria mary patricia helen anna anne
annie julia julie juliet romeo diana diamond crystal jasmine destiny brittany tiffany amber megan morgan
taylor taylor1 courtney chelsea1 danielle veronica vanessa monica rebecca katie kathy katherine kate
caroline catherine claire sophie lucy molly maggie bailey buddy max maxwell charlie charlie1 rocky rocky1
lucky lucky7 duke coco oscar milo toby jack1 sam sammy sandy shadow1 smokey misty ginger sparky princess1
precious cutie cute beautiful gorgeous handsome lovely1 pretty master1 shadow12 trustno1 trustme believe
imagine dreamer dream dreams dreamcatcher destiny1 mystery secret123 whoami myself yourself hello123 hello1
welcome123 letmein1 access14 passport pass123 pass12345 admin1 admin12 root123 guest123 user123 test123
test12345 demo123 qwerty12345 qwerty1234 iloveyou123 monkey123 dragon123 master123 shadow123 football1
baseball1 superman1 batman1 soccer1 hockey1 killer1 charlie123 michael1 jordan123 jessica1 ashley1 nicole1
daniel1 andrew1 thomas1 robert1 summer1 sunshine1 princess123 starwars1 pokemon1 naruto1 liverpool1
chelsea123 arsenal1 barcelona1 computer1 internet1 samsung1 freedom1 whatever1 nothing1 flower1 love12
lovers1 angel123 baby1234 babygirl1 zaq123 xsw123 cde123 asd123 asdasd asdasdasd qweqweqwe zxczxc zxczxczxc
qwaszx qazqaz wsxwsx edcedc poiuyt lkjhgf mnbvcx asdzxc zxcasd zxcvbnm123 qazwsx123 1qazxsw23edc
qwertyasdfgh qwertyuiopasdfghjkl asdfghjklzxcvbnm qwertyuiop123 1234qwerasdf 1234rewq rewq4321 4321rewq
blink182 greenday metallica nirvana slipknot linkinpark eminem tupac 2pac beatles elvis madonna britney
beyonce rihanna shakira justinbieber bieber onedirection taylorswift ladygaga coldplay queen1 acdc
ironmaiden ledzeppelin pinkfloyd rollingstones guitar guitarist drummer drums piano music musica rock
rocknroll rockstar rockandroll metal punk hiphop rap rapper reggae jazz blues disco dance dancer dancing
singer song songs hockey99 soccer10 football12 player player1 playboy playgirl player69 gamer123 legend1
hero123 boss bossman thebest best number1 numberone onelove one two three four five six seven eight nine ten
hundred thousand first second third alpha beta gamma delta omega sigma zeta theta kappa lambda zulu tango
foxtrot charlie2 bravo echo hotel india juliett kilo mike november oscar1 papa1 quebec romeo1 sierra uniform
victor whiskey1 xray yankee london paris berlin madrid rome moscow1 tokyo beijing shanghai newyork
losangeles chicago boston miami texas california florida canada america usa england france germany italy
spain russia china japan india1 brazil mexico australia africa europe asia ireland scotland wales holland
sweden norway denmark finland poland ukraine turkey greece egypt israel korea vietnam thailand singapore
dubai hawaii alaska vegas lasvegas hollywood school college university student teacher doctor nurse police
fireman firefighter army navy marine marines airforce military soldier1 officer sergeant general captain1
major colonel commander lieutenant private1 agent spy secretagent bond jamesbond 007bond hitman gangster
mafia godfather scarface tonymontana sopranos
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
