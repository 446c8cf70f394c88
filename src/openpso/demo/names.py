"""Fictional name, street and town lists for the synthetic demo network.

Written by hand for OpenPSO: no downloads, no real patients or staff. Surnames that are
also ordinary English words (Hall, Ward, Bell, Young …) are left out on purpose, so a
planted name never collides with the clinical wording around it and the de-identification
gold labels stay exact.
"""

from __future__ import annotations

FEMALE_FIRST = (
    "Abigail", "Adeline", "Agnes", "Aileen", "Alana", "Alberta", "Alicia", "Alma", "Althea", "Amara",
    "Amelia", "Anita", "Annika", "Antonia", "Arlene", "Astrid", "Audra", "Beatrix", "Belinda",
    "Bernadette", "Bettina", "Blanche", "Brenna", "Briana", "Bridget", "Camila", "Candace", "Carla",
    "Carmen", "Cassandra", "Cecilia", "Celeste", "Charlene", "Clarissa", "Colette", "Consuelo",
    "Corinne", "Dahlia", "Daniela", "Daphne", "Deirdre", "Delphine", "Desiree", "Dolores", "Dorothea",
    "Edith", "Eleanor", "Elena", "Eliza", "Elsa", "Emilia", "Esther", "Eugenia", "Evangeline", "Fatima",
    "Felicia", "Fiona", "Florence", "Francine", "Gabriela", "Genevieve", "Georgina", "Geraldine",
    "Giselle", "Gloria", "Greta", "Gwendolyn", "Harriet", "Helena", "Henrietta", "Hilda", "Imelda",
    "Imogen", "Ingrid", "Irene", "Isadora", "Ivana", "Jacinta", "Janelle", "Jeanette", "Joanna",
    "Josefina", "Judith", "Juliana", "Justine", "Katarina", "Keisha", "Kirsten", "Lakshmi", "Leona",
    "Leticia", "Lillian", "Lorena", "Lorraine", "Lucinda", "Lydia", "Mabel", "Madeline", "Magdalena",
    "Marcella", "Margot", "Marisol", "Marjorie", "Maureen", "Mildred", "Minerva", "Miriam", "Nadia",
    "Nanette", "Natalia", "Noreen", "Octavia", "Odette", "Ophelia", "Paulina", "Penelope", "Philippa",
    "Priscilla", "Rafaela", "Ramona", "Renata", "Rosalind", "Roxanne", "Sabrina", "Serena", "Simone",
    "Sophia", "Svetlana", "Tabitha", "Tamara", "Theodora", "Tessa", "Ursula", "Valentina", "Verna",
    "Veronica", "Vivian", "Wilhelmina", "Winifred", "Xiomara", "Yolanda", "Yvette", "Zelda", "Zora",
)

MALE_FIRST = (
    "Abram", "Adrian", "Alfonso", "Alistair", "Alonzo", "Ambrose", "Anselm", "Anton", "Archibald",
    "Arturo", "Augustus", "Barnaby", "Bartholomew", "Benedict", "Bertram", "Boris", "Bruno", "Casimir",
    "Cedric", "Clarence", "Clement", "Conrad", "Cornelius", "Cyrus", "Dalton", "Damian", "Darnell",
    "Desmond", "Dimitri", "Dominic", "Edgar", "Edmund", "Efrain", "Elias", "Emil", "Emmett", "Ephraim",
    "Erasmus", "Ernesto", "Eustace", "Ezekiel", "Fabian", "Felix", "Ferdinand", "Florian", "Gareth",
    "Gaspar", "Gideon", "Gilbert", "Gordon", "Gregor", "Gustavo", "Hamish", "Harold", "Hector",
    "Horace", "Ignatius", "Isidore", "Jasper", "Jerome", "Joaquin", "Julius", "Kasimir", "Lambert",
    "Lazarus", "Leander", "Leopold", "Lionel", "Lorenzo", "Lucian", "Luther", "Malcolm", "Marcus",
    "Marshall", "Maximilian", "Meredith", "Mordecai", "Nathaniel", "Neville", "Nikolai", "Norbert",
    "Octavio", "Oswald", "Otto", "Percival", "Phineas", "Quentin", "Raphael", "Reginald", "Rodrigo",
    "Roland", "Rupert", "Salvatore", "Santiago", "Sebastian", "Seymour", "Silas", "Stanislaw",
    "Sylvester", "Tadeusz", "Thaddeus", "Theodore", "Tobias", "Ulysses", "Vaughn", "Vernon", "Vincenzo",
    "Wendell", "Wilfred", "Winston", "Xavier", "Yusuf", "Zachariah", "Zoltan", "Anatoly", "Bernardo",
    "Caspian", "Darius", "Evander", "Fergus", "Gerhard", "Horatio", "Ivo", "Jarvis", "Konrad",
    "Leofric", "Matthias", "Niall", "Orson", "Piotr", "Radomir", "Stellan", "Tiberius", "Umberto",
    "Valentin", "Wolfgang", "Ximeno", "Yannick", "Zebulon", "Aurelio", "Baltasar", "Cosmo",
)

LAST = (
    "Abernathy", "Achterberg", "Adebayo", "Albrecht", "Alcott", "Amundsen", "Anselmo", "Archuleta",
    "Arkwright", "Ashcombe", "Aukerman", "Babcock", "Baptiste", "Barrowcliff", "Bartoszek", "Bauerle",
    "Beaumont", "Bellweather", "Benavides", "Bergstrom", "Birkenfeld", "Blackwood", "Blomquist",
    "Bohannon", "Bonaventura", "Borkowski", "Bosworth", "Brandvold", "Brennecke", "Brightwater",
    "Brzezinski", "Buchwald", "Calloway", "Campanella", "Carrasquillo", "Castellano", "Chamberlin",
    "Chadwick", "Cheverton", "Cioffi", "Claymore", "Colquitt", "Corcoran", "Cordova", "Costigan",
    "Crandall", "Cruikshank", "Dabrowski", "Dalrymple", "Danforth", "Delacroix", "Delgado",
    "Desrosiers", "Dettweiler", "Dimitrov", "Dombrowski", "Donnelly", "Drummond", "Dubrovsky",
    "Dunleavy", "Eberhardt", "Eckhart", "Edgerton", "Ellsworth", "Engebretson", "Esparza", "Etheridge",
    "Fairbanks", "Falkenrath", "Farnsworth", "Fenwick", "Ferreira", "Figueroa", "Fitzwilliam",
    "Flanagan", "Fontaine", "Fortunato", "Friedrichs", "Fulbright", "Gallagher", "Galloway",
    "Garibaldi", "Geraghty", "Giordano", "Gladwell", "Goldberger", "Gonsalves", "Gottlieb", "Grabowski",
    "Greenhalgh", "Gruenwald", "Guerrero", "Gustafson", "Habermann", "Hadfield", "Halvorsen",
    "Hammersmith", "Harkness", "Hathaway", "Heidelberg", "Hennessey", "Hernandez", "Hildebrand",
    "Hollingsworth", "Holmgren", "Huckabee", "Hultgren", "Ibarra", "Ingersoll", "Iwasaki", "Jablonski",
    "Jankowski", "Jaramillo", "Jorgensen", "Kaczmarek", "Kapoor", "Karlsson", "Kavanagh", "Kellerman",
    "Kessler", "Kingsbury", "Kirkpatrick", "Klinefelter", "Knudsen", "Kowalczyk", "Kristoffersen",
    "Kuczynski", "Lachapelle", "Lamontagne", "Landreth", "Langston", "Laverty", "Leibowitz",
    "Lindqvist", "Lockhart", "Lombardi", "Lovejoy", "Lundquist", "Macallister", "Madrigal", "Magnusson",
    "Malinowski", "Mancuso", "Marchetti", "Markowitz", "Mastriano", "Mayweather", "McAllister",
    "McCandless", "McGillicuddy", "Mendelsohn", "Merriweather", "Milosevic", "Montgomery", "Moravec",
    "Mortensen", "Mulcahy", "Nakamura", "Nakashima", "Navarrete", "Nesbitt", "Nickerson", "Nowakowski",
    "Nussbaum", "Oberholtzer", "Ocampo", "Odegaard", "Okonkwo", "Olafsson", "Ostrowski", "Pacheco",
    "Pankhurst", "Papadopoulos", "Pellegrino", "Pemberton", "Pendergast", "Petrakis", "Pfeiffer",
    "Pilkington", "Plunkett", "Podolski", "Prendergast", "Quintanilla", "Radcliffe", "Rafferty",
    "Ramaswamy", "Rasmussen", "Ravenscroft", "Reinholt", "Remington", "Rheinhardt", "Rinaldi",
    "Rockwell", "Rosenthal", "Rothschild", "Rutledge", "Saavedra", "Salazar", "Saltonstall", "Sandoval",
    "Satterfield", "Scarborough", "Schoenfeld", "Schwartzkopf", "Sedgwick", "Sepulveda", "Shackleford",
    "Sigurdsson", "Sikorski", "Slattery", "Sorensen", "Spellman", "Stallworth", "Steinbeck",
    "Stoltzfus", "Stromberg", "Sutherland", "Szymanski", "Takahashi", "Talbott", "Tennyson",
    "Thorvaldsen", "Tolliver", "Trevino", "Trombley", "Tymoshenko", "Underhill", "Urquhart",
    "Valderrama", "Vanderbilt", "Vasquez", "Villanueva", "Vogelsang", "Wadsworth", "Wakefield",
    "Waldmann", "Wasserman", "Weatherby", "Wellington", "Westergaard", "Whitcombe", "Wilhelmsen",
    "Winterbottom", "Wojcik", "Wolfenden", "Yamaguchi", "Yarborough", "Yoshida", "Zabrowski", "Zamora",
    "Zeigler", "Zielinski", "Zimmerman", "Zuckerman", "Abramowitz", "Bjornstad", "Ciccarelli", "Dvorak",
    "Eisenberg", "Feldmann", "Grimaldi", "Hrabowski", "Illingworth", "Jovanovic", "Kuznetsov",
    "Lindeman", "Moczygemba", "Nordstrom", "Obermeyer", "Przybylski", "Quackenbush", "Rzepka",
    "Schermerhorn", "Thibodeaux", "Uhlenbrock", "Vukovich", "Wroblewski", "Yablonski", "Zwiebel",
)

# Street stems and suffixes for planted addresses (the ADDRESS gold label).
STREET = (
    "Orchard Hollow", "Quarry Ridge", "Fernhollow", "Tannery", "Millpond", "Copperhead", "Linden Grove",
    "Blue Heron", "Cobblestone", "Ironworks", "Foxglove", "Chestnut Ridge", "Kettle Creek",
    "Lantern Hill", "Saddlebrook", "Wexcombe", "Larkmoor", "Old Furnace", "Stillwater", "Haymarket",
    "Juniper Bluff", "Canal Lock", "Sawmill Run", "Bramble", "Thistle", "Otter Creek", "Pinecrest",
    "Slate Quarry", "Falcon Crest", "Beacon Hill", "Cider Press", "Ridgeback", "Harrow Mill",
    "Gristmill", "Weaver",
)
STREET_SUFFIX = ("Rd", "Road", "St", "Street", "Ave", "Lane", "Ln", "Dr", "Pike", "Way", "Ct")

# Invented town names (checked against nothing real on purpose: they are placeholders).
TOWNS = (
    "Fernhollow", "Quarry Bend", "Ashby Falls", "Wexcombe", "Larkmoor", "Tillbrook",
    "Redfern Mills", "Oxbow Junction", "Brindle Creek", "Calder Springs", "Stonemere",
    "Hollis Gap", "Marrowfield", "Elkhaven", "Northam Ferry", "Pellham Forge",
)

# Area codes by state for planted phone numbers; the 555-01xx exchange is reserved for
# fiction, so no planted number can ring a real person.
AREA_CODES = {"PA": ("717", "570", "814"), "OH": ("330", "740", "419"), "WV": ("304", "681")}
